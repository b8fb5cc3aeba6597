package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestClusterScopedNamespaceWarns checks that a cluster-scoped object with metadata.namespace
// loads, as kubectl apply accepts it: the namespace is cleared from the object itself (the
// server clears it, so it must not be compared) and a warning names file and line.
func TestClusterScopedNamespaceWarns(t *testing.T) {
	files := map[string]string{
		"rbac.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: app}\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: monitoring\nrules: []\n",
		"list.yaml": "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: app, namespace: app}}\n",
	}
	set, err := LoadFS(mapFS(files), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []placed{
		{Key{"rbac.authorization.k8s.io", "ClusterRole", "", "reader"}, "rbac.yaml", 5},
		{Key{"", "ConfigMap", "app", "a"}, "rbac.yaml", 1},
		{Key{"", "Namespace", "", "app"}, "list.yaml", 1},
	}
	if diff := cmp.Diff(want, placements(set)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	for _, o := range set.Objects() {
		md := o.Obj.Object["metadata"].(map[string]any)
		if _, ok := md["namespace"]; ok && o.Key().Namespace == "" {
			t.Errorf("%s keeps metadata.namespace %v; want the field gone, as the server stores it", o.Key(), md["namespace"])
		}
	}
	wantWarnings := []string{
		`list.yaml:1: Namespace app is cluster-scoped: metadata.namespace "app" ignored, as the API server does`,
		`rbac.yaml:5: ClusterRole reader is cluster-scoped: metadata.namespace "monitoring" ignored, as the API server does`,
	}
	if diff := cmp.Diff(wantWarnings, warningStrings(set.Warnings())); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestWarningsNone(t *testing.T) {
	set, err := LoadFS(mapFS(map[string]string{"a.yaml": cm + "a\n"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := set.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %v, want none", w)
	}
	var empty *Set
	if w := empty.Warnings(); w != nil {
		t.Errorf("nil Set: Warnings() = %v, want nil", w)
	}
}

func TestWarningString(t *testing.T) {
	w := Warning{File: "deploy/rbac.yaml", Line: 12, Message: "odd"}
	if got, want := w.String(), "deploy/rbac.yaml:12: odd"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func warningStrings(ws []Warning) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.String()
	}
	return out
}
