package ownership

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

func TestPathConversion(t *testing.T) {
	port := fieldpath.KeyElementByFields("containerPort", int64(8080), "protocol", "TCP")
	tests := []struct {
		name string
		fp   fieldpath.Path
		diff string
		obj  map[string]any // for FieldPath, to type key values
	}{
		{
			name: "fields",
			fp:   fieldpath.MakePathOrDie("metadata", "labels", "app.kubernetes.io/name"),
			diff: `metadata.labels["app.kubernetes.io/name"]`,
		},
		{
			name: "keys in name order, values formatted as pkg/diff does",
			fp:   fieldpath.Path{fieldpath.PathElement{FieldName: new("ports")}, port, fieldpath.PathElement{FieldName: new("protocol")}},
			diff: "ports[containerPort=8080,protocol=TCP].protocol",
		},
		{
			name: "a string key that reads as a number takes its type from the object",
			fp:   fieldpath.Path{fieldpath.PathElement{FieldName: new("items")}, fieldpath.KeyElementByFields("id", "80")},
			diff: "items[id=80]",
			obj:  map[string]any{"items": []any{map[string]any{"id": "80"}}},
		},
		{
			name: "a boolean key",
			fp:   fieldpath.Path{fieldpath.PathElement{FieldName: new("items")}, fieldpath.KeyElementByFields("on", true)},
			diff: "items[on=true]",
		},
		{
			name: "an index",
			fp:   fieldpath.MakePathOrDie("spec", "rules", 2, "host"),
			diff: "spec.rules[2].host",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, isItem, err := DiffPath(tt.fp)
			if err != nil || isItem {
				t.Fatalf("DiffPath() = %v, item %v, %v", p, isItem, err)
			}
			if got := p.String(); got != tt.diff {
				t.Errorf("DiffPath() = %s, want %s", got, tt.diff)
			}
			parsed, err := diff.ParsePath(tt.diff)
			if err != nil {
				t.Fatal(err)
			}
			back, err := FieldPath(parsed, tt.obj, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equals(tt.fp) {
				t.Errorf("FieldPath(%s) = %s, want %s", tt.diff, back, tt.fp)
			}
		})
	}
}

func TestDiffPathSetItem(t *testing.T) {
	fp := fieldpath.Path{fieldpath.PathElement{FieldName: new("metadata")}, fieldpath.PathElement{FieldName: new("finalizers")},
		fieldpath.ValueElement(value.NewValueInterface("example.com/x"))}
	p, item, isItem, err := DiffPath(fp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"metadata.finalizers", "example.com/x", true}, []any{p.String(), item, isItem}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFieldPathRejectsWildcards(t *testing.T) {
	p, err := diff.ParsePath("spec.containers[*].image")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FieldPath(p, nil, nil); err == nil {
		t.Error("FieldPath of a pattern: no error")
	}
}
