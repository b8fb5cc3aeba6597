package check_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// handDrift is one drifted field with how it drifts and who made it, as a report gives it.
type handDrift struct {
	Object  string
	Path    string
	Desired any
	Live    any
	Default bool
	Added   bool
	Manager string
}

// handDrifts lists every drifted field of r with its kind of drift and owner.
func handDrifts(r report.Report) []handDrift {
	out := []handDrift{}
	for _, res := range r.Resources {
		if res.Status == report.StatusMissing || res.Status == report.StatusError {
			out = append(out, handDrift{Object: res.Kind + "/" + res.Name, Path: string(res.Status) + " " + res.Error})
		}
		for _, f := range res.Fields {
			d := handDrift{Object: res.Kind + "/" + res.Name, Path: f.Path, Desired: f.Desired, Live: f.Live, Default: f.Default, Added: f.Added}
			if f.Owner != nil {
				d.Manager = f.Owner.Manager
			}
			out = append(out, d)
		}
	}
	return out
}

const handEditApp = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  labels: {app: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - name: app
          image: nginx:1.25
          env: [{name: MODE, value: git}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled}
spec:
  selector: {matchLabels: {app: scaled}}
  template:
    metadata: {labels: {app: scaled}}
    spec:
      containers: [{name: app, image: nginx:1.25}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {user: admin}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: app}
  ports: [{name: http, port: 80}]
`

// TestHandEdits proves the hand-edit rules on the real API server, in both directions: right
// after Git is applied (client-side or server-side) nothing drifts, although the applier owns
// every default the server filled in; after each kubectl verb, exactly the fields it changed
// drift, with the right desired value (absent, or the API default) and manager; a field added by
// any other manager (a controller, an injector) and a hand edit back to the default do not.
func TestHandEdits(t *testing.T) {
	if env == nil {
		t.Skip("needs the API server (not under -short)")
	}
	tests := []struct {
		name   string
		change [][]string
		want   []handDrift
	}{
		{
			name:   "kubectl set env adds a variable",
			change: [][]string{{"set", "env", "deployment/app", "DEBUG=1"}},
			want:   []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].env[name=DEBUG]", nil, map[string]any{"name": "DEBUG", "value": "1"}, false, true, "kubectl-set"}},
		},
		{
			name:   "kubectl set image changes a value Git sets",
			change: [][]string{{"set", "image", "deployment/app", "app=nginx:1.26"}},
			want:   []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].image", "nginx:1.25", "nginx:1.26", false, false, "kubectl-set"}},
		},
		{
			name:   "kubectl label and annotate add metadata",
			change: [][]string{{"label", "deployment/app", "owner=me"}, {"annotate", "deployment/app", "note=hot fix"}},
			want: []handDrift{
				{"Deployment/app", "metadata.annotations.note", nil, "hot fix", false, true, "kubectl-annotate"},
				{"Deployment/app", "metadata.labels.owner", nil, "me", false, true, "kubectl-label"},
			},
		},
		{
			name: "kubectl patch adds a privileged securityContext",
			change: [][]string{{"patch", "deployment/app", "-p",
				`{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":true}}]}}}}`}},
			want: []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].securityContext", nil, map[string]any{"privileged": true}, false, true, "kubectl-patch"}},
		},
		{
			name:   "kubectl patch adds a ConfigMap key",
			change: [][]string{{"patch", "configmap/cm", "-p", `{"data":{"b":"2"}}`}},
			want:   []handDrift{{"ConfigMap/cm", "data.b", nil, "2", false, true, "kubectl-patch"}},
		},
		{
			name:   "a Secret key added by hand keeps its value secret",
			change: [][]string{{"patch", "secret/creds", "-p", `{"stringData":{"password":"hunter2"}}`}},
			want:   []handDrift{{"Secret/creds", "data.password", nil, "<redacted>", false, true, "kubectl-patch"}},
		},
		{
			name:   "kubectl patch of a defaulted imagePullPolicy",
			change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"Always"}]}}}}`}},
			want:   []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].imagePullPolicy", "IfNotPresent", "Always", true, false, "kubectl-patch"}},
		},
		{
			name:   "kubectl patch of a defaulted strategy",
			change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}`}},
			want:   []handDrift{{"Deployment/app", "spec.strategy.type", "RollingUpdate", "Recreate", true, false, "kubectl-patch"}},
		},
		{
			name:   "kubectl patch of a defaulted targetPort",
			change: [][]string{{"patch", "service/web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]`}},
			want:   []handDrift{{"Service/web", "spec.ports[port=80,protocol=TCP].targetPort", int64(80), int64(8080), true, false, "kubectl-patch"}},
		},
		{
			name: "a hand edit back to the default is not drift",
			change: [][]string{
				{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"Always"}]}}}}`},
				{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"IfNotPresent"}]}}}}`},
			},
			want: []handDrift{},
		},
		{
			name: "fields another manager adds are not drift",
			change: [][]string{
				{"patch", "deployment/app", "--field-manager", "sidecar-injector", "-p",
					`{"metadata":{"labels":{"injected":"yes"}},"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.30"}]}}}}`},
				{"patch", "configmap/cm", "--field-manager", "some-controller", "-p", `{"data":{"generated":"x"}}`},
			},
			want: []handDrift{},
		},
		{
			name:   "kubectl scale of a replicas Git leaves out is not drift",
			change: [][]string{{"scale", "deployment/scaled", "--replicas", "3"}},
			want:   []handDrift{},
		},
		{
			name:   "kubectl scale of a replicas Git sets is drift",
			change: [][]string{{"scale", "deployment/app", "--replicas", "5"}},
			want:   []handDrift{{"Deployment/app", "spec.replicas", int64(2), int64(5), false, false, "kubectl"}},
		},
	}
	for _, mode := range []string{"client-side", "server-side"} {
		for _, tc := range tests {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				f := drifttest.New(t, env, handEditApp)
				if mode == "server-side" {
					f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
				} else {
					f.Kubectl(t, "apply", "-f", f.Dir)
				}
				if diff := cmp.Diff([]handDrift{}, handDrifts(f.Check(t))); diff != "" {
					t.Fatalf("drift right after apply (-want +got):\n%s", diff)
				}
				for _, args := range tc.change {
					f.Kubectl(t, args...)
				}
				if diff := cmp.Diff(tc.want, handDrifts(f.Check(t))); diff != "" {
					t.Errorf("drift after change (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestHandEditsOff proves --manual-managers "": only the fields Git sets are compared.
func TestHandEditsOff(t *testing.T) {
	if env == nil {
		t.Skip("needs the API server (not under -short)")
	}
	f := drifttest.Apply(t, env, handEditApp)
	f.Kubectl(t, "label", "deployment/app", "owner=me")
	f.Kubectl(t, "set", "image", "deployment/app", "app=nginx:1.26")
	f.Manual = []string{}
	want := []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].image", "nginx:1.25", "nginx:1.26", false, false, "kubectl-set"}}
	if diff := cmp.Diff(want, handDrifts(f.Check(t))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
