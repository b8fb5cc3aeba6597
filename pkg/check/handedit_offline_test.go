package check_test

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

var capture = flag.Bool("capture", false, "recapture testdata/handedits from the real API server (not with -short)")

// liveCase is a change of TestHandEdits made on a real API server after a client-side
// kubectl apply of handEditApp, and the live objects it changed, captured with their
// managedFields into testdata/handedits/<name>.yaml (from kube-apiserver v1.37.2; rewrite them
// with KUBEBUILDER_ASSETS=... go test -run 'TestHandEditsOffline$' ./pkg/check -capture). The
// other objects are as testdata/handedits/applied.yaml captured them right after the apply.
type liveCase struct {
	name    string
	change  [][]string
	objects []string
}

// appliedCase is the live state right after the apply, of every object of handEditApp.
var appliedCase = liveCase{name: "applied", objects: []string{"deployment/app", "deployment/scaled", "configmap/cm", "secret/creds", "service/web"}}

// liveCases are the changes of TestHandEdits, by name.
var liveCases = map[string]liveCase{
	"set-env":         {change: [][]string{{"set", "env", "deployment/app", "DEBUG=1"}}, objects: []string{"deployment/app"}},
	"set-image":       {change: [][]string{{"set", "image", "deployment/app", "app=nginx:1.26"}}, objects: []string{"deployment/app"}},
	"label-annotate":  {change: [][]string{{"label", "deployment/app", "owner=me"}, {"annotate", "deployment/app", "note=hot fix"}}, objects: []string{"deployment/app"}},
	"privileged":      {change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":true}}]}}}}`}}, objects: []string{"deployment/app"}},
	"configmap-key":   {change: [][]string{{"patch", "configmap/cm", "-p", `{"data":{"b":"2"}}`}}, objects: []string{"configmap/cm"}},
	"secret-key":      {change: [][]string{{"patch", "secret/creds", "-p", `{"stringData":{"password":"hunter2"}}`}}, objects: []string{"secret/creds"}},
	"pull-policy":     {change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"Always"}]}}}}`}}, objects: []string{"deployment/app"}},
	"strategy":        {change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}`}}, objects: []string{"deployment/app"}},
	"target-port":     {change: [][]string{{"patch", "service/web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]`}}, objects: []string{"service/web"}},
	"back-to-default": {change: [][]string{{"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"Always"}]}}}}`}, {"patch", "deployment/app", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"app","imagePullPolicy":"IfNotPresent"}]}}}}`}}, objects: []string{"deployment/app"}},
	"other-managers":  {change: [][]string{{"patch", "deployment/app", "--field-manager", "sidecar-injector", "-p", `{"metadata":{"labels":{"injected":"yes"}},"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.30"}]}}}}`}, {"patch", "configmap/cm", "--field-manager", "some-controller", "-p", `{"data":{"generated":"x"}}`}}, objects: []string{"deployment/app", "configmap/cm"}},
	"scale-unset":     {change: [][]string{{"scale", "deployment/scaled", "--replicas", "3"}}, objects: []string{"deployment/scaled"}},
	"scale-set":       {change: [][]string{{"scale", "deployment/app", "--replicas", "5"}}, objects: []string{"deployment/app"}},
	"secret-data-key": {change: [][]string{{"patch", "secret/creds", "--type", "json", "-p", `[{"op":"add","path":"/data/token","value":"` + base64.StdEncoding.EncodeToString([]byte("s3cr3t-t0ken")) + `"}]`}}, objects: []string{"secret/creds"}},
}

// liveObjects returns the live objects of a case, by name: applied.yaml overlaid with the
// case's file.
func liveObjects(t *testing.T, name string) liveMap {
	t.Helper()
	live := liveMap{}
	for _, file := range []string{appliedCase.name, name} {
		data, err := os.ReadFile(filepath.Join("testdata", "handedits", file+".yaml"))
		if err != nil {
			t.Fatalf("%v (recapture with -capture against the API server)", err)
		}
		for _, doc := range strings.Split(string(data), "\n---\n") {
			obj := yamlObject(t, doc)
			md, _ := obj["metadata"].(map[string]any)
			live[md["name"].(string)] = obj
		}
	}
	return live
}

// checkOffline checks handEditApp against the live objects of a case, without an API server:
// with the built-in kinds' schemas and defaults, manual as the hand-edit managers and key as
// the Secret redaction key. A report that shows a Secret value of the fixtures fails the test
// at once, without printing it.
func checkOffline(t *testing.T, name string, manual []string, key []byte) report.Report {
	t.Helper()
	d := compileOffline(t, handEditApp, manual)
	d.SetSecretKey(key)
	r := check.Run(t.Context(), d, liveObjects(t, name), check.Options{DryRun: true})
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"admin", "hunter2", "s3cr3t-t0ken"} { // the Secret values of the fixtures
		if strings.Contains(string(out), p) || strings.Contains(string(out), base64.StdEncoding.EncodeToString([]byte(p))) {
			// Fatal before any diff: test output must not show them either.
			t.Fatalf("the report shows a Secret value (%d bytes of JSON; not printed)", len(out))
		}
	}
	return r
}

// TestHandEditsOffline is TestHandEdits (client-side apply) on live objects a real API server
// gave, without one: each kubectl verb's fields drift, with their desired value (absent, or
// the API default) and manager; the fields of the applier, of other managers and a hand edit
// back to the default do not.
func TestHandEditsOffline(t *testing.T) {
	if *capture {
		captureLive(t)
	}
	tests := []struct {
		name string
		want []handDrift
	}{
		{"applied", []handDrift{}},
		{"set-env", []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].env[name=DEBUG]", nil, map[string]any{"name": "DEBUG", "value": "1"}, false, true, "kubectl-set"}}},
		{"set-image", []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].image", "nginx:1.25", "nginx:1.26", false, false, "kubectl-set"}}},
		{"label-annotate", []handDrift{
			{"Deployment/app", "metadata.annotations.note", nil, "hot fix", false, true, "kubectl-annotate"},
			{"Deployment/app", "metadata.labels.owner", nil, "me", false, true, "kubectl-label"},
		}},
		{"privileged", []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].securityContext", nil, map[string]any{"privileged": true}, false, true, "kubectl-patch"}}},
		{"configmap-key", []handDrift{{"ConfigMap/cm", "data.b", nil, "2", false, true, "kubectl-patch"}}},
		{"secret-key", []handDrift{{"Secret/creds", "data.password", nil, diff.Redacted, false, true, "kubectl-patch"}}},
		{"secret-data-key", []handDrift{{"Secret/creds", "data.token", nil, diff.Redacted, false, true, "kubectl-patch"}}},
		{"pull-policy", []handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].imagePullPolicy", "IfNotPresent", "Always", true, false, "kubectl-patch"}}},
		{"strategy", []handDrift{{"Deployment/app", "spec.strategy.type", "RollingUpdate", "Recreate", true, false, "kubectl-patch"}}},
		{"target-port", []handDrift{{"Service/web", "spec.ports[port=80,protocol=TCP].targetPort", int64(80), int64(8080), true, false, "kubectl-patch"}}},
		{"back-to-default", []handDrift{}},
		{"other-managers", []handDrift{}},
		{"scale-unset", []handDrift{}},
		{"scale-set", []handDrift{{"Deployment/app", "spec.replicas", int64(2), int64(5), false, false, "kubectl"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := handDrifts(checkOffline(t, tt.name, check.DefaultManualManagers(), nil))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHandEditManagersOffline checks that the hand-edit managers are the list given
// (--manual-managers), and only those: none turns the search off, leaving the fields Git
// sets; another list makes another manager's fields hand edits and kubectl's not.
func TestHandEditManagersOffline(t *testing.T) {
	injector := []string{"sidecar-injector"}
	tests := []struct {
		name   string
		manual []string
		live   string
		want   []handDrift
	}{
		{"none: a label by hand is not drift", nil, "label-annotate", []handDrift{}},
		{"none: a defaulted field by hand is not drift", []string{}, "pull-policy", []handDrift{}},
		{"none: a value Git sets still drifts", nil, "set-image",
			[]handDrift{{"Deployment/app", "spec.template.spec.containers[name=app].image", "nginx:1.25", "nginx:1.26", false, false, "kubectl-set"}}},
		{"an empty name is no manager", []string{""}, "label-annotate", []handDrift{}},
		{"another list: the injector's fields are hand edits", injector, "other-managers", []handDrift{
			{"Deployment/app", "metadata.labels.injected", nil, "yes", false, true, "sidecar-injector"},
			{"Deployment/app", "spec.template.spec.containers[name=proxy]", nil, map[string]any{
				"name": "proxy", "image": "envoy:1.30", "imagePullPolicy": "IfNotPresent", "resources": map[string]any{},
				"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
			}, false, true, "sidecar-injector"},
		}},
		{"another list: kubectl's verbs are not in it", injector, "label-annotate", []handDrift{}},
		{"kubectl's scale a hand edit: replicas Git leaves out are left to others", []string{"kubectl"}, "scale-unset", []handDrift{}},
		{"one of kubectl's verbs alone", []string{"kubectl-label"}, "label-annotate",
			[]handDrift{{"Deployment/app", "metadata.labels.owner", nil, "me", false, true, "kubectl-label"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := handDrifts(checkOffline(t, tt.live, tt.manual, nil))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHandEditSecretOffline checks that a Secret key added by hand is masked in the report,
// with and without a redaction key, whether the edit came through stringData or data.
func TestHandEditSecretOffline(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	tests := []struct {
		name string
		live string
		key  []byte
		want []handDrift
	}{
		{"stringData, no key", "secret-key", nil,
			[]handDrift{{"Secret/creds", "data.password", nil, diff.Redacted, false, true, "kubectl-patch"}}},
		{"stringData, a key", "secret-key", key,
			[]handDrift{{"Secret/creds", "data.password", nil, diff.Redact(key, []byte("hunter2")), false, true, "kubectl-patch"}}},
		{"data, no key", "secret-data-key", nil,
			[]handDrift{{"Secret/creds", "data.token", nil, diff.Redacted, false, true, "kubectl-patch"}}},
		{"data, a key", "secret-data-key", key,
			[]handDrift{{"Secret/creds", "data.token", nil, diff.Redact(key, []byte("s3cr3t-t0ken")), false, true, "kubectl-patch"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkOffline(t, tt.live, check.DefaultManualManagers(), tt.key) // fails on a value shown
			if diff := cmp.Diff(tt.want, handDrifts(r)); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}

// captureLive rewrites testdata/handedits from the real API server: for each case, kubectl
// apply of handEditApp in a new namespace, the case's kubectl commands, then the changed
// objects as kubectl get -o yaml --show-managed-fields gives them, with the namespace renamed demo.
func captureLive(t *testing.T) {
	t.Helper()
	if env == nil {
		t.Fatal("-capture needs the API server: run without -short")
	}
	cases := []liveCase{appliedCase}
	for name, c := range liveCases {
		c.name = name
		cases = append(cases, c)
	}
	for _, c := range cases {
		f := drifttest.Apply(t, env, handEditApp)
		for _, args := range c.change {
			f.Kubectl(t, args...)
		}
		docs := make([]string, len(c.objects))
		for i, obj := range c.objects {
			docs[i] = strings.ReplaceAll(f.Kubectl(t, "get", obj, "-o", "yaml", "--show-managed-fields"), f.NS, "demo")
		}
		path := filepath.Join("testdata", "handedits", c.name+".yaml")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.Join(docs, "---\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
