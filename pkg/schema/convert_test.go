package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"
	"sigs.k8s.io/structured-merge-diff/v6/typed"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// convertYAML is a structured-merge-diff schema covering the cases Convert distinguishes.
const convertYAML = `types:
- name: root
  map:
    fields:
    - name: keyed
      type:
        namedType: keyedList
    - name: keyedAtomic
      type:
        namedType: keyedList
        elementRelationship: atomic
    - name: objectSet
      type:
        list:
          elementType:
            map:
              elementType:
                scalar: string
              elementRelationship: atomic
          elementRelationship: associative
    - name: amounts
      type:
        map:
          elementType:
            namedType: io.k8s.apimachinery.pkg.api.resource.Quantity
    - name: missing
      type:
        namedType: notDefined
    - name: self
      type:
        namedType: root
- name: keyedList
  list:
    elementType:
      map:
        fields:
        - name: port
          type:
            scalar: numeric
          default: 80
        - name: protocol
          type:
            scalar: string
          default: TCP
        - name: weight
          type:
            scalar: numeric
          default: 1.5
    elementRelationship: associative
    keys: [port, protocol]
- name: io.k8s.apimachinery.pkg.api.resource.Quantity
  scalar: untyped
`

func TestConvert(t *testing.T) {
	p, err := typed.NewParser(convertYAML)
	if err != nil {
		t.Fatal(err)
	}
	root := "root"
	s := Convert(&p.Schema, smdschema.TypeRef{NamedType: &root})
	tests := []struct {
		path string
		want node
	}{
		{"keyed", listMap(map[string]any{"port": int64(80), "protocol": "TCP"}, "port", "protocol")},
		{"keyedAtomic", node{Found: true, ListType: diff.ListAtomic}},
		{"objectSet", node{Found: true, ListType: diff.ListSet}},
		{"amounts.cpu", node{Found: true, Quantity: true}},
		{"missing", node{}},
		{"self.self.keyed", listMap(map[string]any{"port": int64(80), "protocol": "TCP"}, "port", "protocol")},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, at(s, tc.path)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.path, diff)
			}
		})
	}
	if s.Field("self") != s {
		t.Error("a self-reference did not convert to the same node")
	}
	if s.Field("keyed") == s.Field("keyedAtomic") {
		t.Error("an element relationship override shares the node of the plain reference")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"string", "TCP", "TCP"},
		{"YAML int", 0, int64(0)},
		{"JSON whole float", float64(443), int64(443)},
		{"JSON fraction", 1.5, 1.5},
		{"bool", true, true},
		{"huge uint", uint64(1 << 63), uint64(1 << 63)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, normalize(tc.in)); diff != "" {
				t.Errorf("normalize(%v) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}
