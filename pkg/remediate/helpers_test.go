package remediate

import (
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// object decodes YAML into an object as the manifest loader and the dynamic client do.
func object(t *testing.T, src string) *unstructured.Unstructured {
	t.Helper()
	return &unstructured.Unstructured{Object: data(t, src)}
}

// data decodes YAML into a map as the manifest loader does (integers as int64).
func data(t *testing.T, src string) map[string]any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := utiljson.Unmarshal(j, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// target compiles the check target of a desired object of a built-in kind, with the ignore
// paths, as the CLI does; its namespace stays as desired writes it, none included.
func target(t *testing.T, desired string, ignore ...string) *check.Target {
	t.Helper()
	namespaced := object(t, desired).GetNamespace() != ""
	asWritten := manifest.ScopeFunc(func(k8sschema.GroupVersionKind) (bool, error) { return namespaced, nil })
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(desired)}}, manifest.Options{Scope: asWritten})
	if err != nil {
		t.Fatal(err)
	}
	var paths []diff.Path
	for _, raw := range ignore {
		paths = append(paths, path(t, raw))
	}
	d, err := check.Compile(set, "test", schema.NewResolver(nil), paths)
	if err != nil {
		t.Fatal(err)
	}
	return &d.Targets[0]
}

func path(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
