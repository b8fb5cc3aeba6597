package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// desiredPeople is the Git state of TestPeopleBehindDrift.
const desiredPeople = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  labels:
    tier: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: frontend
  template:
    metadata:
      labels:
        app: frontend
    spec:
      containers:
        - name: frontend
          image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
`

const (
	alice = "alice@example.com"
	bob   = "bob@example.com"
)

// Owners of frontend's and settings' drifted fields, as the audit log and the JSON report
// name them.
const (
	imagePath = "spec.template.spec.containers[name=frontend].image"
	tierPath  = "metadata.labels.tier"
	colorPath = "data.color"
)

// TestPeopleBehindDrift (issue 20): two replicas of `serve --leader-elect`, the webhook (warn)
// registered by URL to the replica that does not lead. alice sets frontend's image and bob
// labels it with kubectl, as themselves: the leader's audit log, its DriftDetected Event and
// the PolicyReport name each field's person, and so does `gitops-drift --once`. The leader
// stops: the other replica, leading now, names them still, from the Events the webhook wrote.
// With the webhook unregistered, alice's change of the ConfigMap is "not seen at admission".
func TestPeopleBehindDrift(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredPeople)
	allowEdits(t, e, ns, alice, bob)
	args := []string{"--leader-elect", "--leader-election-namespace", ns, "--audit-interval", "1s",
		"--policy-reports", "--policy-report-api", "wgpolicyk8s.io/v1alpha2"}
	replicas := []*webhook{startServe(t, e, ns, desiredPeople, args...), startServe(t, e, ns, desiredPeople, args...)}
	leader := waitLeader(t, replicas)
	follower := replicas[0]
	if follower == leader {
		follower = replicas[1]
	}
	follower.register()
	leader.waitAudited()

	follower.kubectlAs(alice, "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	follower.kubectlAs(bob, "label", "--overwrite", "deployment/frontend", "tier=db")
	want := map[string]string{imagePath: "kubectl-set " + alice, tierPath: "kubectl-label " + bob}
	leader.poll("the leader's audit log naming alice and bob", 20*time.Second, func() bool {
		return fmt.Sprint(leader.people("frontend")) == fmt.Sprint(want)
	})
	leader.poll("the DriftDetected Event naming bob", 20*time.Second, func() bool {
		return leader.noted("frontend", "metadata.labels.tier (by kubectl-label, "+bob+")")
	})
	leader.poll("the PolicyReport naming alice and bob", 20*time.Second, func() bool {
		m := leader.reportMessage("frontend")
		return strings.Contains(m, imagePath+" (by kubectl-set, "+alice+")") && strings.Contains(m, tierPath+" (by kubectl-label, "+bob+")")
	})
	if v, _ := follower.sample(`gitops_drift_admission_records_total{result="recorded"}`); v != 2 {
		t.Errorf("the follower's webhook recorded %v admissions, want 2", v)
	}
	if v, ok := leader.sample(`gitops_drift_admission_records_total{result="recorded"}`); ok {
		t.Errorf("the leader recorded %v admissions; the webhook is registered to the follower only", v)
	}
	text := follower.once(t, "text")
	for _, line := range []string{
		"changed by : kubectl-set (Update, ", ") by " + alice + "\n",
		"changed by : kubectl-label (Update, ", ") by " + bob + "\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("gitops-drift --once does not say %q:\n%s", line, text)
		}
	}
	if got := onceOwners(t, follower.once(t, "json"), "frontend"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("gitops-drift --once -o json owners %v, want %v", got, want)
	}

	leader.stop()
	follower.poll("the follower to lead", 30*time.Second, func() bool {
		v, _ := follower.sample("gitops_drift_leader")
		return v == 1
	})
	follower.poll("the new leader's audit log naming alice and bob", 20*time.Second, func() bool {
		return fmt.Sprint(follower.people("frontend")) == fmt.Sprint(want)
	})

	follower.unregister()
	follower.kubectlAs(alice, "patch", "configmap/settings", "-p", `{"data":{"color":"red"}}`)
	follower.poll("settings' change not seen at admission", 20*time.Second, func() bool {
		return follower.people("settings")[colorPath] == "kubectl-patch unknown: not seen at admission"
	})
	if text := follower.once(t, "text"); !strings.Contains(text, "), user unknown (not seen at admission)\n") {
		t.Errorf("gitops-drift --once does not say the ConfigMap's change was not seen at admission:\n%s", text)
	}
}

// people returns, by path, who the last audit log line of name says changed each drifted
// field: "manager user", or "manager unknown: why".
func (w *webhook) people(name string) map[string]string {
	line := w.logLine("audit drift", map[string]string{"name": name})
	if line == nil {
		return nil
	}
	fields, _ := line["fields"].([]any)
	return ownersIn(fields)
}

// ownersIn returns who changed each of fields (as the audit log and the JSON report write
// them): "manager user", or "manager unknown: why", by path.
func ownersIn(fields []any) map[string]string {
	out := map[string]string{}
	for _, x := range fields {
		f, _ := x.(map[string]any)
		o, _ := f["owner"].(map[string]any)
		path, _ := f["path"].(string)
		if user, _ := o["user"].(string); user != "" {
			out[path] = fmt.Sprint(o["manager"], " ", user)
		} else {
			out[path] = fmt.Sprint(o["manager"], " unknown: ", o["userUnknown"])
		}
	}
	return out
}

// noted reports whether a DriftDetected Event about name has a note holding s.
func (w *webhook) noted(name, s string) bool {
	for _, ev := range w.events(name, "DriftDetected") {
		if strings.Contains(ev.Note, s) {
			return true
		}
	}
	return false
}

// reportMessage returns the message of the PolicyReport's result about name, or "".
func (w *webhook) reportMessage(name string) string {
	out, _, err := w.kubectl("", "", "get", "policyreports.wgpolicyk8s.io", "gitops-drift", "-o", "json", "--ignore-not-found")
	if err != nil || out == "" {
		return ""
	}
	var r reportView
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		w.t.Fatal(err)
	}
	for _, res := range r.Results {
		if len(res.Resources) > 0 && res.Resources[0].Name == name {
			return res.Message
		}
	}
	return ""
}

// once runs `gitops-drift --once` on w's manifests and namespace, output format, and returns
// its report.
func (w *webhook) once(t *testing.T, format string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, "--manifests", w.manifests, "--namespace", w.ns, "--kubeconfig", shared.webhookKC,
		"--once", "--output", format)
	out, err := cmd.Output()
	if err != nil && cmd.ProcessState.ExitCode() > 1 {
		t.Fatalf("gitops-drift --once: %v\n%s", err, out)
	}
	return string(out)
}

// onceOwners returns who the JSON report says changed each drifted field of name.
func onceOwners(t *testing.T, report, name string) map[string]string {
	t.Helper()
	var r struct {
		Resources []struct {
			Name   string `json:"name"`
			Fields []any  `json:"fields"`
		} `json:"resources"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, report)
	}
	for _, res := range r.Resources {
		if res.Name == name {
			return ownersIn(res.Fields)
		}
	}
	return nil
}

// kubectlAs runs kubectl in w's namespace as user, impersonated by the admin, and fails the
// test if it fails.
func (w *webhook) kubectlAs(user string, args ...string) {
	w.t.Helper()
	if _, stderr, err := w.kubectl("", "", append([]string{"--as", user}, args...)...); err != nil {
		w.t.Fatalf("kubectl %s as %s: %v\n%s", strings.Join(args, " "), user, err, stderr)
	}
}

// unregister deletes w's webhook registration and waits until the API server stops calling it.
func (w *webhook) unregister() {
	w.t.Helper()
	if err := w.env.Clientset(w.t).AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(w.t.Context(), w.configName, metav1.DeleteOptions{}); err != nil {
		w.t.Fatal(err)
	}
	w.poll("the API server to stop calling the webhook", 30*time.Second, func() bool { return !w.called() })
}

// allowEdits lets users read and change Deployments and ConfigMaps in ns.
func allowEdits(t *testing.T, e *kubeenv.Env, ns string, users ...string) {
	t.Helper()
	verbs := []string{"get", "list", "watch", "update", "patch"}
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: ns},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: verbs},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: verbs},
		},
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "editors"},
	}
	for _, u := range users {
		rb.Subjects = append(rb.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: u})
	}
	cs := e.Clientset(t)
	if _, err := cs.RbacV1().Roles(ns).Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(t.Context(), rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
