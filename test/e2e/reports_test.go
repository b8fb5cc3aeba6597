package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// reportView is what the test reads of a report object, from kubectl.
type reportView struct {
	Metadata struct {
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Summary struct {
		Fail int `json:"fail"`
	} `json:"summary"`
	Results []struct {
		Result    string `json:"result"`
		Message   string `json:"message"`
		Resources []struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"resources"`
	} `json:"results"`
}

// TestServePolicyReports: `serve --policy-reports --policy-report-api wgpolicyk8s.io/v1alpha2`
// writes the PolicyReport gitops-drift in the namespace after each full audit, with a fail
// result per drifted or missing object, and drops a result once kubectl reverts the drift.
func TestServePolicyReports(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredAlert)
	w := startServe(t, e, ns, desiredAlert, "--no-webhook", "--audit-interval", "1s",
		"--policy-reports", "--policy-report-api", "wgpolicyk8s.io/v1alpha2")
	w.waitAudited()
	w.mustKubectl("", "patch", "configmap/limits", "--type", "merge", "-p", `{"data":{"max":"20"}}`)

	failing := func() []string {
		out, _, err := w.kubectl("", "", "get", "policyreports.wgpolicyk8s.io", "gitops-drift", "-o", "json", "--ignore-not-found")
		if err != nil || out == "" {
			return nil
		}
		var r reportView
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if r.Metadata.Labels["app.kubernetes.io/managed-by"] != "gitops-drift" || r.Summary.Fail != len(r.Results) {
			t.Errorf("report: labels %v, summary fail %d for %d results", r.Metadata.Labels, r.Summary.Fail, len(r.Results))
		}
		var got []string
		for _, res := range r.Results {
			got = append(got, fmt.Sprintf("%s %s/%s: %s", res.Result, res.Resources[0].Kind, res.Resources[0].Name, res.Message))
		}
		slices.Sort(got)
		return got
	}
	sentinel := "fail ConfigMap/e2e-sentinel: missing: Git defines it" // startServe's, never created
	want := []string{sentinel, "fail ConfigMap/limits: 1 field(s) drift from Git: data.max (by kubectl-patch)"}
	w.poll("the drift in the PolicyReport", 10*time.Second, func() bool { return slices.Equal(failing(), want) })
	if v, _ := w.sample(`gitops_drift_policy_report_writes_total{result="applied"}`); v < 1 {
		t.Errorf(`gitops_drift_policy_report_writes_total{result="applied"} = %v, want at least 1`, v)
	}

	w.mustKubectl("", "patch", "configmap/limits", "--type", "merge", "-p", `{"data":{"max":"10"}}`)
	w.poll("the reverted drift gone from the PolicyReport", 10*time.Second, func() bool {
		return slices.Equal(failing(), []string{sentinel})
	})
	if _, ok := w.sample(`gitops_drift_policy_report_writes_total{result="failed"}`); ok {
		t.Errorf("failed report writes: %s", w.logLine("policy reports not written", nil))
	}
	if out, stderr, err := w.kubectl("", "", "get", "reports.openreports.io", "-o", "name"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("OpenReports objects written with --policy-report-api wgpolicyk8s.io/v1alpha2: %s (%v %s)", out, err, stderr)
	}
}
