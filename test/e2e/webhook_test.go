package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// desiredApps is the Git state of the tests: a Deployment warned about, one whose Git copy
// says deny, one with an ignored field, and a ConfigMap.
const desiredApps = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
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
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
  annotations:
    drift.gitops.io/enforcement: deny
spec:
  replicas: 1
  selector:
    matchLabels:
      app: payments
  template:
    metadata:
      labels:
        app: payments
    spec:
      containers:
        - name: payments
          image: payments:2.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
  annotations:
    drift.gitops.io/ignore-fields: spec.replicas
spec:
  replicas: 1
  selector:
    matchLabels:
      app: worker
  template:
    metadata:
      labels:
        app: worker
    spec:
      containers:
        - name: worker
          image: worker:1.0
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  color: blue
`

// desiredAutoscaled is a Deployment whose replicas Git leaves to an autoscaler.
const desiredAutoscaled = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: autoscaled
spec:
  selector:
    matchLabels:
      app: autoscaled
  template:
    metadata:
      labels:
        app: autoscaled
    spec:
      containers:
        - name: autoscaled
          image: nginx:1.25
`

// applyGit applies the Git manifests as the GitOps controller (exempt) would.
func (w *webhook) applyGit(desired string) {
	w.t.Helper()
	if _, stderr, err := w.kubectl(shared.gitopsKC, desired, "apply", "-f", "-"); err != nil {
		w.t.Fatalf("apply Git state: %v\n%s", err, stderr)
	}
}

// image returns the image of the first container of a Deployment.
func (w *webhook) image(name string) string {
	w.t.Helper()
	out, _, err := w.kubectl("", "", "get", "deployment", name, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// replicas returns the spec.replicas of a Deployment.
func (w *webhook) replicas(name string) string {
	w.t.Helper()
	out, _, err := w.kubectl("", "", "get", "deployment", name, "-o", "jsonpath={.spec.replicas}")
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func wantNoWarnings(t *testing.T, stderr string) {
	t.Helper()
	if w := warningLines(stderr); len(w) > 0 {
		t.Errorf("want no warnings, got %q", w)
	}
}

func wantWarnings(t *testing.T, stderr string, want ...string) {
	t.Helper()
	got := warningLines(stderr)
	if len(got) != len(want) {
		t.Errorf("want %d warning(s) %q, got %q", len(want), want, got)
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("warning %q lacks %q", got[i], want[i])
		}
	}
}

func wantContains(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("output lacks %q:\n%s", w, s)
		}
	}
}

// TestWarn: the default mode. Changes introducing drift are allowed with warnings; everything
// else is allowed silently.
func TestWarn(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	desired := desiredApps + "---\n" + desiredAutoscaled
	w := startWebhook(t, e, ns, desired, "--exempt-groups", gitopsGroup)
	w.applyGit(desired)

	t.Run("set image warns with the field and both values", func(t *testing.T) {
		stderr := w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
		// The namespace would make the line longer than 120 characters: it is left out.
		wantWarnings(t, stderr, "gitops-drift: Deployment frontend containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19")
		if got := w.image("frontend"); got != "nginx:1.19" {
			t.Errorf("image = %q, want the change admitted", got)
		}
	})
	t.Run("reverting to Git is silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.25"))
	})
	t.Run("fields Git does not set, added by a controller, are silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "label", "deployment/frontend", "team=web", "--field-manager", "some-controller"))
	})
	t.Run("set env adds a field Git lacks: warns, and the audit log names the user", func(t *testing.T) {
		stderr := w.mustKubectl("", "set", "env", "deployment/frontend", "DEBUG=1")
		wantWarnings(t, stderr, `env[name=DEBUG]: not in Git, change sets {"name":"DEBUG","value":"1"}`)
		line := w.logLine("admission drift", map[string]string{"name": "frontend", "resource": "apps/v1/deployments", "decision": "warned"})
		if line == nil {
			t.Fatal("no audit log line for the set env")
		}
		if line["user"] != "admin" {
			t.Errorf("audit log line %v; want user admin", line)
		}
		wantNoWarnings(t, w.mustKubectl("", "set", "env", "deployment/frontend", "DEBUG-"))
	})
	t.Run("label by hand warns", func(t *testing.T) {
		wantWarnings(t, w.mustKubectl("", "label", "deployment/frontend", "owner=me"), "metadata.labels.owner: not in Git, change sets me")
		wantNoWarnings(t, w.mustKubectl("", "label", "deployment/frontend", "owner-"))
	})
	t.Run("patch of a defaulted field warns with the default", func(t *testing.T) {
		stderr := w.mustKubectl("", "patch", "deployment/frontend", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"frontend","imagePullPolicy":"Always"}]}}}}`)
		wantWarnings(t, stderr, "imagePullPolicy: API default IfNotPresent, change sets Always")
		wantNoWarnings(t, w.mustKubectl("", "patch", "deployment/frontend", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"frontend","imagePullPolicy":"IfNotPresent"}]}}}}`))
	})
	t.Run("ignored field is silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "patch", "deployment/worker", "-p", `{"spec":{"replicas":3}}`))
	})
	t.Run("untracked object is silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "create", "configmap", "untracked", "--from-literal=a=b"))
		wantNoWarnings(t, w.mustKubectl("", "patch", "configmap/untracked", "-p", `{"data":{"a":"c"}}`))
	})
	t.Run("per-object deny beats global warn", func(t *testing.T) {
		stderr := w.failKubectl("", "set", "image", "deployment/payments", "payments=payments:2.1")
		wantContains(t, stderr, "denied the request", "would drift from Git", "containers[name=payments].image: Git has payments:2.0, change sets payments:2.1", "exempt")
		if got := w.image("payments"); got != "payments:2.0" {
			t.Errorf("image = %q, want the change denied", got)
		}
	})
	t.Run("apply --dry-run=server shows the warnings", func(t *testing.T) {
		drifted := strings.Replace(desiredApps, "color: blue", "color: red", 1)
		stderr := w.mustKubectl(drifted, "apply", "--dry-run=server", "-f", "-")
		wantWarnings(t, stderr, fmt.Sprintf("gitops-drift: ConfigMap %s/settings data.color: Git has blue, change sets red", ns))
		out, _, _ := w.kubectl("", "", "get", "configmap", "settings", "-o", "jsonpath={.data.color}")
		if out != "blue" {
			t.Errorf("dry run changed the ConfigMap: color = %q", out)
		}
	})
	t.Run("exempt group is silent", func(t *testing.T) {
		_, stderr, err := w.kubectl(shared.gitopsKC, "", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
		if err != nil {
			t.Fatal(err, stderr)
		}
		wantNoWarnings(t, stderr)
	})
	t.Run("the webhook's own identity is silent", func(t *testing.T) {
		_, stderr, err := w.kubectl(shared.webhookKC, "", "set", "image", "deployment/frontend", "frontend=nginx:1.25")
		if err != nil {
			t.Fatal(err, stderr)
		}
		wantNoWarnings(t, stderr)
	})
	t.Run("delete of a tracked object warns", func(t *testing.T) {
		stderr := w.mustKubectl("", "delete", "configmap", "settings")
		wantWarnings(t, stderr, fmt.Sprintf("gitops-drift: ConfigMap %s/settings: deleting an object Git still defines", ns))
	})
	t.Run("create diverging from Git warns", func(t *testing.T) {
		stderr := w.mustKubectl("", "create", "configmap", "settings", "--from-literal=color=green")
		wantWarnings(t, stderr, "data.color: Git has blue, change sets green")
	})
	t.Run("delete of a per-object deny object is denied", func(t *testing.T) {
		stderr := w.failKubectl("", "delete", "deployment", "payments")
		wantContains(t, stderr, "still defines Deployment "+ns+"/payments", "remove it from Git first")
	})
	t.Run("scale of a Git-set replicas warns, and the audit log names the user", func(t *testing.T) {
		stderr := w.mustKubectl("", "scale", "deployment/frontend", "--replicas=3")
		wantWarnings(t, stderr, fmt.Sprintf("gitops-drift: Deployment %s/frontend spec.replicas: Git has 1, change sets 3", ns))
		if got := w.replicas("frontend"); got != "3" {
			t.Errorf("replicas = %q, want the scale admitted", got)
		}
		line := w.logLine("admission drift", map[string]string{"name": "frontend", "resource": "apps/v1/deployments/scale", "decision": "warned"})
		if line == nil {
			t.Fatal("no audit log line for the scale")
		}
		if line["user"] != "admin" || line["operation"] != "UPDATE" || fmt.Sprint(line["fields"]) != "[map[desired:1 live:3 path:spec.replicas]]" {
			t.Errorf("audit log line %v; want user admin, operation UPDATE and spec.replicas 1 -> 3", line)
		}
	})
	t.Run("scale back to Git is silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "scale", "deployment/frontend", "--replicas=1"))
	})
	t.Run("scale of replicas Git leaves out or ignores is silent", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "scale", "deployment/autoscaled", "--replicas=4"))
		wantNoWarnings(t, w.mustKubectl("", "scale", "deployment/worker", "--replicas=5"))
	})
	t.Run("scale of a per-object deny object is denied", func(t *testing.T) {
		stderr := w.failKubectl("", "scale", "deployment/payments", "--replicas=2")
		wantContains(t, stderr, "denied the request", "Deployment "+ns+"/payments would drift from Git", "spec.replicas: Git has 1, change sets 2")
		if got := w.replicas("payments"); got != "1" {
			t.Errorf("replicas = %q, want the scale denied", got)
		}
	})
	t.Run("scale by an exempt group is silent", func(t *testing.T) {
		_, stderr, err := w.kubectl(shared.gitopsKC, "", "scale", "deployment/payments", "--replicas=2")
		if err != nil {
			t.Fatal(err, stderr)
		}
		wantNoWarnings(t, stderr)
	})
}

// TestDeny: --enforcement deny rejects changes introducing drift with a message saying what,
// at which revision, and how to proceed; exempt users still pass.
func TestDeny(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	w := startWebhook(t, e, ns, desiredApps, "--enforcement", "deny", "--exempt-users", "someone-else,"+gitopsUser)
	w.applyGit(desiredApps)

	stderr := w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	wantContains(t, stderr,
		"Deployment "+ns+"/frontend would drift from Git (not a git repository)",
		"containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19",
		"To proceed, change the manifest in Git, or make the change as an exempt user or group")
	if got := w.image("frontend"); got != "nginx:1.25" {
		t.Errorf("image = %q, want the change denied", got)
	}
	wantContains(t, w.failKubectl("", "delete", "configmap", "settings"), "still defines ConfigMap "+ns+"/settings")
	wantNoWarnings(t, w.mustKubectl("", "label", "deployment/frontend", "team=web", "--field-manager", "some-controller"))
	wantContains(t, w.failKubectl("", "label", "deployment/frontend", "owner=me"), "metadata.labels.owner: not in Git, change sets me")

	t.Run("scale of a Git-set replicas is denied", func(t *testing.T) {
		stderr := w.failKubectl("", "scale", "deployment/frontend", "--replicas=3")
		wantContains(t, stderr,
			"Deployment "+ns+"/frontend would drift from Git (not a git repository)",
			"spec.replicas: Git has 1, change sets 3",
			"To proceed, change the manifest in Git, or make the change as an exempt user or group")
		if got := w.replicas("frontend"); got != "1" {
			t.Errorf("replicas = %q, want the scale denied", got)
		}
		if w.logLine("admission drift", map[string]string{"user": "admin", "name": "frontend", "resource": "apps/v1/deployments/scale", "decision": "denied"}) == nil {
			t.Error("no audit log line naming the user who scaled")
		}
	})
	t.Run("scale by an exempt user passes", func(t *testing.T) {
		_, stderr, err := w.kubectl(shared.gitopsKC, "", "scale", "deployment/frontend", "--replicas=3")
		if err != nil {
			t.Fatalf("exempt user denied: %v\n%s", err, stderr)
		}
		wantNoWarnings(t, stderr)
		if got := w.replicas("frontend"); got != "3" {
			t.Errorf("replicas = %q, want the scale admitted", got)
		}
	})
	t.Run("scale back to Git passes silently", func(t *testing.T) {
		wantNoWarnings(t, w.mustKubectl("", "scale", "deployment/frontend", "--replicas=1"))
	})

	_, stderr, err := w.kubectl(shared.gitopsKC, "", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	if err != nil {
		t.Fatalf("exempt user denied: %v\n%s", err, stderr)
	}
	wantNoWarnings(t, stderr)
}

// TestWebhookDown: with serve stopped, failurePolicy Ignore admits changes.
func TestWebhookDown(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	w := startWebhook(t, e, ns, desiredApps, "--enforcement", "deny")
	w.applyGit(desiredApps)
	w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")

	w.stop()
	w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	if got := w.image("frontend"); got != "nginx:1.19" {
		t.Errorf("image = %q, want the change admitted with the webhook down", got)
	}
}

// TestReload: a change to the manifest directory changes the verdict without a restart; a
// file that does not load keeps the previous verdicts.
func TestReload(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	w := startWebhook(t, e, ns, desiredApps)
	w.applyGit(desiredApps)
	apply := func(color string) string { // a dry run: verdicts without changing anything
		return w.mustKubectl(strings.Replace(desiredApps, "color: blue", "color: "+color, 1), "apply", "--dry-run=server", "-f", "-")
	}
	wantWarnings(t, apply("red"), "data.color: Git has blue, change sets red")

	w.writeFile("desired.yaml", strings.Replace(desiredApps, "color: blue", "color: red", 1))
	w.poll("the webhook to judge with the new Git state", 30*time.Second, func() bool {
		return strings.Contains(apply("green"), "data.color: Git has red, change sets green")
	})
	wantNoWarnings(t, apply("red")) // toward Git

	w.writeFile("desired.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: [not: valid\n")
	w.poll("the failed reload to be counted", 30*time.Second, func() bool {
		return w.metric("gitops_drift_manifest_load_errors_total") >= 1
	})
	wantWarnings(t, apply("green"), "data.color: Git has red, change sets green")
	wantNoWarnings(t, apply("red"))
	if !strings.Contains(w.out.String(), "manifests did not load") {
		t.Error("serve did not log the failed reload")
	}
}
