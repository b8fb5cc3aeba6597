package manifest

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadYAML(t *testing.T) {
	const name = "overlays/prod (kustomize build)"
	stream := cm + "a\n  namespace: prod\n---\n" + cm + "b\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n"
	set, err := LoadYAML(name, []byte(stream), Options{Namespace: "demo"})
	if err != nil {
		t.Fatalf("LoadYAML: %v", err)
	}
	want := []placed{
		{Key{"", "ConfigMap", "demo", "b"}, name, 7},
		{Key{"", "ConfigMap", "prod", "a"}, name, 1},
		{Key{"", "Namespace", "", "prod"}, name, 12},
	}
	if diff := cmp.Diff(want, placements(set)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

// TestLoadYAMLWarnings checks that a rendered stream keeps the warnings of its objects: a
// cluster-scoped object with a namespace loads without it.
func TestLoadYAMLWarnings(t *testing.T) {
	stream := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  namespace: other\n"
	set, err := LoadYAML("rendered", []byte(stream), Options{})
	if err != nil {
		t.Fatalf("LoadYAML: %v", err)
	}
	if len(set.Warnings()) != 1 || set.Warnings()[0].Line != 1 {
		t.Errorf("Warnings() = %v, want one at line 1", set.Warnings())
	}
	if diff := cmp.Diff([]placed{{Key{"", "Namespace", "", "x"}, "rendered", 1}}, placements(set)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

func TestLoadYAMLErrors(t *testing.T) {
	tests := []struct {
		name, stream string
		want         []string
	}{{
		name:   "duplicate",
		stream: cm + "a\n---\n" + cm + "a\n",
		want:   []string{"rendered:6: ConfigMap default/a is also defined at rendered:1"},
	}, {
		name:   "missing name, bad YAML",
		stream: "apiVersion: v1\nkind: ConfigMap\n---\nkind: [\n",
		want:   []string{"rendered:1: missing or not a string: metadata.name", "rendered:4: invalid YAML: did not find expected node content"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := LoadYAML("rendered", []byte(tt.stream), Options{})
			if set != nil {
				t.Fatalf("LoadYAML returned a Set with an error")
			}
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var me *Error
				if !errors.As(e, &me) {
					t.Fatalf("%v is not an *Error", e)
				}
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
