package check_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// compileYAML compiles the manifests src (one file, desired.yaml) without an API server.
func compileYAML(t *testing.T, src string) (*check.Desired, error) {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(src)}}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return check.Compile(set, "rev", schema.NewResolver(nil), nil)
}

// TestCompileErrors checks that Compile reports every object it cannot compile, each naming
// its file and line, and gives no Desired.
func TestCompileErrors(t *testing.T) {
	d, err := compileYAML(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  namespace: app
  annotations: {drift.gitops.io/ignore-fields: "data["}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ok, namespace: app}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  namespace: app
  annotations: {drift.gitops.io/ignore-fields: "x..y"}
`)
	if d != nil {
		t.Errorf("Compile() = %v, want no Desired", d)
	}
	if err == nil {
		t.Fatal("Compile() error = nil, want one per bad object")
	}
	for _, want := range []string{"desired.yaml:1", `"data["`, "desired.yaml:12", `"x..y"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compile() error = %v, want it to name %s", err, want)
		}
	}
}

// TestIdentity checks the object a LiveSource gets to find a target's live copy: apiVersion,
// kind, name, and the namespace only for a namespaced object.
func TestIdentity(t *testing.T) {
	d, err := compileYAML(t, `apiVersion: v1
kind: Namespace
metadata: {name: app, labels: {a: b}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app, labels: {a: b}}
spec: {replicas: 2}
`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"Namespace":  {"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "app"}},
		"Deployment": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "namespace": "app"}},
	}
	for i := range d.Targets {
		tg := &d.Targets[i]
		t.Run(tg.Key.Kind, func(t *testing.T) {
			if diff := cmp.Diff(want[tg.Key.Kind], tg.Identity().Object); diff != "" {
				t.Errorf("Identity() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompileControllerOwned checks that the fields a controller owns (an aggregated
// ClusterRole's rules) are never compared, while the object's other fields are.
func TestCompileControllerOwned(t *testing.T) {
	const role = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view-all, labels: {team: a}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate: "true"}}]
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
`
	d, err := compileYAML(t, role)
	if err != nil {
		t.Fatal(err)
	}
	live := yamlObject(t, role)
	live["rules"] = []any{map[string]any{"apiGroups": []any{""}, "resources": []any{"pods"}, "verbs": []any{"get"}}}
	live["metadata"].(map[string]any)["labels"] = map[string]any{"team": "b"}
	var got []string
	for _, f := range d.Targets[0].Compare(live) {
		got = append(got, f.Path)
	}
	if diff := cmp.Diff([]string{"metadata.labels.team"}, got); diff != "" {
		t.Errorf("Compare() paths (-want +got):\n%s", diff)
	}
}

func TestContestedErrorText(t *testing.T) {
	retry := time.Date(2026, 12, 4, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		err  check.ContestedError
		want string
	}{
		{check.ContestedError{Manager: "hpa-controller", Retry: retry}, "contested by hpa-controller: drift came back after a remediation; next write not before 2026-12-04T09:00:00Z"},
		{check.ContestedError{Retry: retry}, "contested: drift came back after a remediation; next write not before 2026-12-04T09:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Manager, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCompileLeavesSet checks that Compile, which lets go of each object's tree once it is
// compiled, leaves the Set it was given as it was: a caller that keeps the Set (the check's
// live reader, a second compilation) still reads every object whole.
func TestCompileLeavesSet(t *testing.T) {
	set, err := manifest.LoadFS(macroManifests(50), manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := make([]map[string]any, set.Len())
	for i, o := range set.Objects() {
		before[i] = o.Obj.DeepCopy().Object
	}
	first, err := check.Compile(set, "rev", schema.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	after := make([]map[string]any, set.Len())
	for i, o := range set.Objects() {
		if o.Obj != nil {
			after[i] = o.Obj.Object
		}
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the Set's objects after Compile (-want +got):\n%s", diff)
	}
	second, err := check.Compile(set, "rev", schema.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wants(first), wants(second)); diff != "" {
		t.Errorf("Wants of a second Compile of the Set (-want +got):\n%s", diff)
	}
}
