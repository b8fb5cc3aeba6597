package webhook

import (
	"testing"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// TestHandleOtherVersion checks the safety net for a registration that sends a request in
// another version than Git's: allowed unjudged, but counted as other-version and logged at
// V(0) with both versions, so that the misconfiguration shows.
func TestHandleOtherVersion(t *testing.T) {
	d := testDesired(t)
	store := &desired.Store{}
	store.Set(d)
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	var logs capture.JSONLog
	ctx := logr.NewContext(t.Context(), logs.Logger(t))
	obj := gitObject(t, d, "apps", "Deployment", "default", "frontend", setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19"), setField("apiVersion", "apps/v1beta2"))
	resp := NewHandler(store, Options{Metrics: m}).Handle(ctx, newRequest(t, admissionv1.Update, obj, obj))
	if !resp.Allowed || len(resp.Warnings) != 0 {
		t.Errorf("response = allowed %v, warnings %q; want allowed without warnings", resp.Allowed, resp.Warnings)
	}
	if got := decisionCount(t, reg, DecisionOtherVersion); got != 1 {
		t.Errorf(`gitops_drift_admission_decisions_total{decision="other-version"} = %v, want 1`, got)
	}
	lines := logs.Lines() // the capture logger drops V(1) and above: a line here is V(0)
	if len(lines) != 1 {
		t.Fatalf("log lines = %v, want one", lines)
	}
	got := map[string]any{}
	for _, k := range []string{logKind, logGitVersion, logRequestVersion} {
		got[k] = lines[0][k]
	}
	want := map[string]any{logKind: "Deployment", logGitVersion: "v1", logRequestVersion: "v1beta2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log line (-want +got):\n%s", diff)
	}
}

// decisionCount returns gitops_drift_admission_decisions_total for decision d.
func decisionCount(t *testing.T, reg *prometheus.Registry, d Decision) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gitops_drift_admission_decisions_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			if s.GetLabel()[0].GetValue() == string(d) {
				return s.GetCounter().GetValue()
			}
		}
	}
	return 0
}
