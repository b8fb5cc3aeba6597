package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// TestAuditorReportsChangeOutsideAdmission: a change the webhook lets through unjudged (an
// exempt user's) is reported by the auditor within 2 seconds, with a log line, an Event and
// the drift gauge, and the gauge goes back to 0 when the change is undone.
func TestAuditorReportsChangeOutsideAdmission(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	w := startWebhook(t, e, ns, desiredApps, "--exempt-groups", gitopsGroup, "--audit-interval", "1h")
	w.applyGit(desiredApps)
	w.poll("the Git state in sync", 30*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="in-sync"}`)
		return v == 4
	})
	if v, ok := w.sample(`gitops_drift_resources{state="drifted"}`); !ok || v != 0 {
		t.Fatalf(`gitops_drift_resources{state="drifted"} = %v (present: %v), want 0`, v, ok)
	}

	start := time.Now()
	if _, stderr, err := w.kubectl(shared.gitopsKC, "", "set", "image", "deployment/frontend", "frontend=nginx:1.19"); err != nil {
		t.Fatal(err, stderr)
	}
	var line map[string]any
	w.poll("the auditor's log line", 2*time.Second-time.Since(start), func() bool {
		line = w.logLine("audit drift", map[string]string{"name": "frontend", "trigger": "watch"})
		return line != nil
	})
	var ev eventView
	w.poll("the DriftDetected Event", 2*time.Second-time.Since(start), func() bool {
		// The first audit, before the Git state was applied, found frontend missing: skip that one.
		for _, e := range w.events("frontend", "DriftDetected") {
			if strings.Contains(e.Note, "field(s) drift") {
				ev = e
				return true
			}
		}
		return false
	})
	t.Logf("reported %s after the change", time.Since(start).Round(time.Millisecond))
	// The owner's time is when kubectl wrote: check who, then compare the rest.
	if fields, _ := line["fields"].([]any); len(fields) == 1 {
		if f, _ := fields[0].(map[string]any); f != nil {
			if o, _ := f["owner"].(map[string]any); o["manager"] != "kubectl-set" || o["operation"] != "Update" {
				t.Errorf("log line owner %v, want kubectl-set, Update", f["owner"])
			}
			delete(f, "owner")
		}
	}
	wantFields := []any{map[string]any{"path": "spec.template.spec.containers[name=frontend].image", "desired": "nginx:1.25", "live": "nginx:1.19"}}
	if fmt.Sprint(line["fields"]) != fmt.Sprint(wantFields) || line["status"] != "drifted" || line["action"] != "drift-detected (dry-run)" || line["auditID"] == "" {
		t.Errorf("log line = %v, want the drifted image, status drifted, action drift-detected (dry-run) and an audit ID", line)
	}
	if ev.Type != "Warning" || ev.ReportingController != "gitops-drift" || ev.UID == "" ||
		!strings.Contains(ev.Note, "containers[name=frontend].image (by kubectl-set, "+gitopsUser+")") || strings.Contains(ev.Note, "nginx") {
		t.Errorf("Event = %s %s %s %q, want a Warning from gitops-drift about the object (with its UID), naming the field and who changed it (the webhook records exempt changes), not its values",
			ev.Type, ev.ReportingController, ev.UID, ev.Note)
	}
	w.poll("the drifted gauge at 1", 2*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="drifted"}`)
		return v == 1
	})

	if _, stderr, err := w.kubectl(shared.gitopsKC, "", "set", "image", "deployment/frontend", "frontend=nginx:1.25"); err != nil {
		t.Fatal(err, stderr)
	}
	w.poll("the drifted gauge back at 0", 2*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="drifted"}`)
		return v == 0
	})
}

// desiredAlert is desiredApps and a ConfigMap whose Git copy forbids remediation.
const desiredAlert = desiredApps + `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: limits
  annotations:
    drift.gitops.io/remediation-policy: alert
data:
  max: "10"
`

// TestAuditorRemediates: with --remediate (and --no-webhook), a change made with no webhook is
// reverted; one to an object whose policy is alert is reported and left.
func TestAuditorRemediates(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredAlert)
	w := startServe(t, e, ns, desiredAlert, "--remediate", "--audit-interval", "1h", "--no-webhook")
	w.waitAudited()
	if conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", w.port)); err == nil {
		conn.Close()
		t.Error("--no-webhook: the webhook port is open")
	}

	w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	w.mustKubectl("", "patch", "configmap/limits", "--type", "merge", "-p", `{"data":{"max":"20"}}`)
	w.poll("frontend reverted", 5*time.Second, func() bool { return w.image("frontend") == "nginx:1.25" })
	w.poll("the DriftRemediated Event", 5*time.Second, func() bool { return len(w.events("frontend", "DriftRemediated")) == 1 })
	if line := w.logLine("audit drift", map[string]string{"name": "frontend", "action": "remediated"}); line == nil {
		t.Error("no audit line with action remediated for frontend")
	}
	out, _, err := w.kubectl("", "", "get", "deployment", "frontend", "-o", "jsonpath={.metadata.managedFields[*].manager}")
	if err != nil || !slices.Contains(strings.Fields(out), "gitops-drift") {
		t.Errorf("field managers of frontend = %q (%v), want gitops-drift among them", out, err)
	}

	w.poll("the RemediationBlocked Event", 5*time.Second, func() bool { return len(w.events("limits", "RemediationBlocked")) == 1 })
	out, _, _ = w.kubectl("", "", "get", "configmap", "limits", "-o", "jsonpath={.data.max}")
	if out != "20" {
		t.Errorf("limits max = %q, want 20: its policy is alert", out)
	}
	if v, _ := w.sample(`gitops_drift_remediations_total{result="blocked"}`); v != 1 {
		t.Errorf(`gitops_drift_remediations_total{result="blocked"} = %v, want 1`, v)
	}
}

// TestLeaderElection: two replicas with --leader-elect both serve the webhook; only the
// leader audits and remediates, and the other takes over when it stops, knowing from the old
// leader's Events which objects are contested.
func TestLeaderElection(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredApps)
	args := []string{"--leader-elect", "--leader-election-namespace", ns, "--remediate", "--audit-interval", "1h"}
	replicas := []*webhook{startServe(t, e, ns, desiredApps, args...), startServe(t, e, ns, desiredApps, args...)}
	for i, w := range replicas {
		resp := w.review(t, ns)
		if !resp.Allowed || len(resp.Warnings) == 0 || !strings.Contains(resp.Warnings[0], "gitops-drift") {
			t.Errorf("replica %d answered %+v, want allowed with a gitops-drift warning", i, resp)
		}
	}

	var leader, follower *webhook
	replicas[0].poll("a leader", 30*time.Second, func() bool {
		leader, follower = nil, nil
		for _, w := range replicas {
			if v, _ := w.sample(`leader_election_master_status{name="gitops-drift"}`); v == 1 {
				leader = w
			} else {
				follower = w
			}
		}
		return leader != nil && follower != nil
	})
	leader.waitAudited()
	leader.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	leader.poll("frontend reverted", 5*time.Second, func() bool { return leader.image("frontend") == "nginx:1.25" })
	leader.poll("the leader's remediation counted", 5*time.Second, func() bool {
		v, _ := leader.sample(`gitops_drift_remediations_total{result="remediated"}`)
		return v == 1
	})
	for _, name := range []string{`gitops_drift_remediations_total{result="remediated"}`, "gitops_drift_last_audit_timestamp_seconds", `gitops_drift_resources{state="in-sync"}`} {
		if v, ok := follower.sample(name); ok {
			t.Errorf("the follower exports %s = %v; only the leader audits", name, v)
		}
	}

	leader.stop()
	if code := leader.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("the leader exited with %d after SIGTERM, want 0", code)
	}
	if !strings.Contains(leader.out.String(), "auditor stopped") {
		t.Error(`the leader did not log "auditor stopped" on SIGTERM`)
	}
	follower.poll("the follower to lead", 30*time.Second, func() bool {
		v, _ := follower.sample(`leader_election_master_status{name="gitops-drift"}`)
		return v == 1
	})
	follower.waitAudited()
	// The image the old leader repaired drifts again: the new leader learns from the old one's
	// Events that the object is contested, names the writer and waits 10s before its write.
	changed := time.Now()
	follower.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.20")
	follower.poll("the new leader's contest", 5*time.Second, func() bool {
		return follower.logLine("audit drift", map[string]string{"name": "frontend", "action": "remediation-contested (by kubectl-set)"}) != nil
	})
	follower.poll("frontend reverted by the new leader", 20*time.Second, func() bool { return follower.image("frontend") == "nginx:1.25" })
	if waited := time.Since(changed); waited < 9*time.Second {
		t.Errorf("the new leader reverted the contested image %s after the change, want its 10s backoff first", waited.Round(time.Second))
	}
}

// applyAdmin applies desired (YAML) to ns as the admin, before serve starts.
func applyAdmin(t *testing.T, e *kubeenv.Env, ns, desired string) {
	t.Helper()
	if _, _, err := e.Run(t.Context(), desired, "apply", "-n", ns, "-f", "-"); err != nil {
		t.Fatal(err)
	}
}

// waitAudited waits for serve's first full audit.
func (w *webhook) waitAudited() {
	w.t.Helper()
	w.poll("the first audit", 30*time.Second, func() bool {
		_, ok := w.sample("gitops_drift_last_audit_timestamp_seconds")
		return ok
	})
}

// logLine returns the last JSON log line of serve with message msg whose keys have the values
// in match, or nil.
func (w *webhook) logLine(msg string, match map[string]string) map[string]any {
	var found map[string]any
	sc := bufio.NewScanner(strings.NewReader(w.out.String()))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil || line["msg"] != msg {
			continue
		}
		ok := true
		for k, v := range match {
			ok = ok && fmt.Sprint(line[k]) == v
		}
		if ok {
			found = line
		}
	}
	return found
}

// events returns gitops-drift's Events with reason about the object named name in the
// webhook's namespace.
func (w *webhook) events(name, reason string) []eventView {
	w.t.Helper()
	list, err := w.env.Clientset(w.t).EventsV1().Events(w.ns).List(w.t.Context(), metav1.ListOptions{})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []eventView
	for _, ev := range list.Items {
		if ev.Regarding.Name == name && ev.Reason == reason && ev.ReportingController == "gitops-drift" {
			out = append(out, eventView{Type: ev.Type, ReportingController: ev.ReportingController, UID: ev.Regarding.UID, Note: ev.Note})
		}
	}
	return out
}

// eventView is what the tests look at in an Event.
type eventView struct {
	Type                string
	ReportingController string
	UID                 types.UID // of the object the Event is about
	Note                string
}

func rawExtension(s string) runtime.RawExtension {
	return runtime.RawExtension{Raw: []byte(s)}
}

// review sends serve's webhook an AdmissionReview of an UPDATE of Deployment frontend in ns
// that changes its image, and returns the response.
func (w *webhook) review(t *testing.T, ns string) *admissionv1.AdmissionResponse {
	t.Helper()
	old, _, err := w.kubectl("", "", "get", "deployment", "frontend", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	return w.reviewOf(t, ns, old)
}

// reviewOf is review with Deployment frontend as old (JSON, with image nginx:1.25): it makes
// no API call.
func (w *webhook) reviewOf(t *testing.T, ns, old string) *admissionv1.AdmissionResponse {
	t.Helper()
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(fmt.Sprintf("review-%d", w.port)),
			Kind:      metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"},
			Resource:  metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"},
			Namespace: ns, Name: "frontend", Operation: admissionv1.Update,
			UserInfo:  authnv1.UserInfo{Username: "someone"},
			OldObject: rawExtension(old),
			Object:    rawExtension(strings.Replace(old, `"image": "nginx:1.25"`, `"image": "nginx:1.19"`, 1)),
		},
	}
	return servetest.Review(t, shared.ca, w.port, review)
}
