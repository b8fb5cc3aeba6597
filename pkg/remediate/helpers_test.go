package remediate

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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

// target builds the check target of a desired object with the built-in schema of its kind.
func target(t *testing.T, desired string, ignore ...string) *check.Target {
	t.Helper()
	u := object(t, desired)
	s, _ := schema.BuiltIn(u.GroupVersionKind()) // nil for other kinds: nothing known
	tg := &check.Target{Object: manifest.Object{Obj: u}, Key: manifest.KeyOf(u), Schema: s}
	for _, raw := range ignore {
		tg.Ignore = append(tg.Ignore, path(t, raw))
	}
	return tg
}

func path(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
