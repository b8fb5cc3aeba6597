package schema

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// This file holds the encoding of builtin.json, the schemas of client-go's built-in kinds as
// Convert makes them from client-go's structured-merge-diff schema. Parsing that schema (a
// YAML document of every API type) took ~135 ms and ~20 MB of allocations at every start of the
// CLI; decoding the table takes about 2 ms. The table is the converted graph itself:
// one entry per *diff.Schema node, nodes shared between kinds (ObjectMeta, PodSpec) written
// once, references by number, so a recursive type stays a cycle.

// table is the JSON form of the built-in schemas.
type table struct {
	// Source names what the table was converted from: client-go's module and version.
	Source string `json:"source"`
	// Kinds are the built-in kinds, sorted by group, version and kind.
	Kinds []tableKind `json:"kinds"`
	// Nodes are the schema nodes; node n is referred to as n+1, and 0 stands for nil.
	Nodes []tableNode `json:"nodes"`
}

// tableKind is a kind and the reference of its root node.
type tableKind struct {
	Group   string `json:"group,omitempty"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
	Root    int    `json:"root"`
}

// tableNode is a *diff.Schema with its references as numbers. A field whose schema is nil
// is kept (as 0): Schema.Field tells a known field without schema from an unknown one.
type tableNode struct {
	Fields      map[string]int `json:"f,omitempty"`
	Elem        int            `json:"e,omitempty"`
	ListType    diff.ListType  `json:"l,omitempty"`
	Keys        []string       `json:"k,omitempty"`
	KeyDefaults map[string]any `json:"d,omitempty"`
	Quantity    bool           `json:"q,omitempty"`
	Atomic      bool           `json:"a,omitempty"`
	Ordered     bool           `json:"o,omitempty"`
}

// decodeTable decodes a table written by encodeTable.
func decodeTable(data []byte) (*builtIns, error) {
	var t table
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // key defaults: int64 as an object decoded from JSON has them
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("decode built-in schemas: %w", err)
	}
	nodes := make([]diff.Schema, len(t.Nodes))
	ref := func(n int) (*diff.Schema, error) {
		if n < 0 || n > len(nodes) {
			return nil, fmt.Errorf("decode built-in schemas: reference %d out of range", n)
		}
		if n == 0 {
			return nil, nil
		}
		return &nodes[n-1], nil
	}
	for i, tn := range t.Nodes {
		s := &nodes[i]
		s.ListType, s.Keys, s.Quantity, s.Atomic, s.Ordered = tn.ListType, tn.Keys, tn.Quantity, tn.Atomic, tn.Ordered
		var err error
		if s.Elem, err = ref(tn.Elem); err != nil {
			return nil, err
		}
		if len(tn.Fields) > 0 {
			s.Fields = make(map[string]*diff.Schema, len(tn.Fields))
			for name, n := range tn.Fields {
				if s.Fields[name], err = ref(n); err != nil {
					return nil, err
				}
			}
		}
		if len(tn.KeyDefaults) > 0 {
			s.KeyDefaults = make(map[string]any, len(tn.KeyDefaults))
			for k, v := range tn.KeyDefaults {
				s.KeyDefaults[k] = fromJSONNumber(v)
			}
		}
	}
	b := &builtIns{kinds: make(map[k8sschema.GroupVersionKind]*diff.Schema, len(t.Kinds))}
	for _, k := range t.Kinds {
		s, err := ref(k.Root)
		if err != nil {
			return nil, err
		}
		if s == nil {
			return nil, fmt.Errorf("decode built-in schemas: %s/%s %s has no schema", k.Group, k.Version, k.Kind)
		}
		b.kinds[k8sschema.GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}] = s
	}
	return b, nil
}

// fromJSONNumber returns a number decoded with UseNumber as an object decoded from JSON has
// it: int64 when whole, float64 otherwise (see normalize). Other values are returned as they
// are.
func fromJSONNumber(v any) any {
	n, ok := v.(json.Number)
	if !ok {
		return v
	}
	if i, err := n.Int64(); err == nil {
		return i
	}
	if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) {
		return f
	}
	return v
}

// encodeTable writes the schemas of kinds as a table, one node per line so that a change of
// client-go shows as a readable diff. Nodes are numbered in the order a depth-first walk from
// the kinds, sorted, meets them, fields in name order: the same schemas give the same bytes.
func encodeTable(source string, kinds map[k8sschema.GroupVersionKind]*diff.Schema) ([]byte, error) {
	t := table{Source: source}
	ids := map[*diff.Schema]int{}
	var number func(s *diff.Schema) int
	number = func(s *diff.Schema) int {
		if s == nil {
			return 0
		}
		if id, ok := ids[s]; ok {
			return id
		}
		t.Nodes = append(t.Nodes, tableNode{})
		id := len(t.Nodes)
		ids[s] = id
		tn := tableNode{ListType: s.ListType, Keys: s.Keys, KeyDefaults: s.KeyDefaults, Quantity: s.Quantity, Atomic: s.Atomic, Ordered: s.Ordered}
		if len(s.Fields) > 0 {
			tn.Fields = make(map[string]int, len(s.Fields))
			for _, name := range slices.Sorted(maps.Keys(s.Fields)) {
				tn.Fields[name] = number(s.Fields[name])
			}
		}
		tn.Elem = number(s.Elem)
		t.Nodes[id-1] = tn
		return id
	}
	gvks := slices.SortedFunc(maps.Keys(kinds), func(a, b k8sschema.GroupVersionKind) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Kind, b.Kind))
	})
	for _, gvk := range gvks {
		t.Kinds = append(t.Kinds, tableKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Root: number(kinds[gvk])})
	}
	var b bytes.Buffer
	src, err := json.Marshal(t.Source)
	if err != nil {
		return nil, err
	}
	b.WriteString(`{"source":` + string(src) + `,"kinds":[` + "\n")
	if err := writeLines(&b, t.Kinds); err != nil {
		return nil, err
	}
	b.WriteString(`],"nodes":[` + "\n")
	if err := writeLines(&b, t.Nodes); err != nil {
		return nil, err
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// writeLines writes the JSON of each of vs on a line of its own, with commas between them.
func writeLines[T any](b *bytes.Buffer, vs []T) error {
	for i, v := range vs {
		line, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("item %d: %w", i, err)
		}
		b.Write(line)
		if i < len(vs)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	return nil
}
