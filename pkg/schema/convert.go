package schema

import (
	"math"

	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// quantityType is the named type of resource.Quantity values in Kubernetes schemas.
const quantityType = "io.k8s.apimachinery.pkg.api.resource.Quantity"

// Convert returns the diff schema of the type root refers to in s. Named types are converted
// once, so a recursive type becomes a cycle of pointers. Scalars other than Quantity, and types
// s does not define, convert to nil ("nothing known").
func Convert(s *smdschema.Schema, root smdschema.TypeRef) *diff.Schema {
	return newConverter(s).convert(root)
}

// namedKey identifies a converted named type: a field may override the element relationship
// of the type it refers to (x-kubernetes-map-type: atomic), which changes its conversion.
type namedKey struct {
	name string
	rel  smdschema.ElementRelationship
}

// converter converts the types of one structured-merge-diff schema, remembering each named
// type it has converted. It is not safe for concurrent use.
type converter struct {
	smd   *smdschema.Schema
	named map[namedKey]*diff.Schema
}

func newConverter(s *smdschema.Schema) *converter {
	return &converter{smd: s, named: map[namedKey]*diff.Schema{}}
}

// convert returns the diff schema of tr.
func (c *converter) convert(tr smdschema.TypeRef) *diff.Schema {
	if tr.NamedType == nil {
		atom, ok := c.smd.Resolve(tr)
		if !ok || !structured(atom) {
			return nil
		}
		out := &diff.Schema{}
		c.fill(out, atom, "")
		return out
	}
	key := namedKey{name: *tr.NamedType}
	if tr.ElementRelationship != nil {
		key.rel = *tr.ElementRelationship
	}
	if out, ok := c.named[key]; ok {
		return out
	}
	if key.name == quantityType {
		out := &diff.Schema{Quantity: true}
		c.named[key] = out
		return out
	}
	atom, ok := c.smd.Resolve(tr)
	if !ok || !structured(atom) {
		c.named[key] = nil
		return nil
	}
	// Remember the node before filling it, so that references back to this type, however
	// deep, find it instead of recursing.
	out := &diff.Schema{}
	c.named[key] = out
	c.fill(out, atom, key.name)
	return out
}

// structured reports whether atom is a map or a list whose shape the schema knows. An untyped
// atom (x-kubernetes-preserve-unknown-fields, or a field of type JSON) is a scalar, a list and
// a map at once: its values are free-form, so it converts to nil, "nothing known", under which
// lists of named items still match by name.
func structured(atom smdschema.Atom) bool {
	return (atom.Map != nil) != (atom.List != nil)
}

// fill sets out from a map or list atom; typeName is the name of the type, empty for an
// inlined one.
func (c *converter) fill(out *diff.Schema, atom smdschema.Atom, typeName string) {
	if l := atom.List; l != nil {
		out.Elem = c.convert(l.ElementType)
		c.fillList(out, l)
		return
	}
	m := atom.Map
	out.Atomic = m.ElementRelationship == smdschema.Atomic
	if len(m.Fields) > 0 {
		out.Fields = make(map[string]*diff.Schema, len(m.Fields))
		for _, f := range m.Fields {
			out.Fields[f.Name] = c.field(typeName, f)
		}
	}
	if !isEmpty(m.ElementType) {
		out.Elem = c.convert(m.ElementType)
	}
}

// field converts the field f of the named type typeName, marking it Ordered when the table of
// order-significant lists names it. The mark goes on a copy: a list type may be shared.
func (c *converter) field(typeName string, f smdschema.StructField) *diff.Schema {
	s := c.convert(f.Type)
	if s == nil || s.ListType != diff.ListMap || !OrderedList(typeName, f.Name) {
		return s
	}
	ordered := *s
	ordered.Ordered = true
	return &ordered
}

// fillList sets the list type, keys and key defaults of out from l. Associative lists with
// keys are maps; associative lists without keys (of scalars or of atomic items) are sets.
func (c *converter) fillList(out *diff.Schema, l *smdschema.List) {
	if l.ElementRelationship != smdschema.Associative {
		out.ListType = diff.ListAtomic
		return
	}
	if len(l.Keys) == 0 {
		out.ListType = diff.ListSet
		return
	}
	out.ListType = diff.ListMap
	out.Keys = append([]string(nil), l.Keys...)
	item, ok := c.smd.Resolve(l.ElementType)
	if !ok || item.Map == nil {
		return
	}
	for _, k := range l.Keys {
		f, ok := item.Map.FindField(k)
		if !ok || f.Default == nil {
			continue
		}
		if out.KeyDefaults == nil {
			out.KeyDefaults = map[string]any{}
		}
		out.KeyDefaults[k] = normalize(f.Default)
	}
}

// isEmpty reports whether tr refers to no type at all, as a struct's unset ElementType does.
func isEmpty(tr smdschema.TypeRef) bool {
	return tr.NamedType == nil && tr.Inlined.Scalar == nil && tr.Inlined.List == nil &&
		tr.Inlined.Map == nil
}

// normalize returns a schema default as the types of an unstructured object decoded from JSON:
// whole numbers become int64 (YAML schemas give int, JSON ones float64).
func normalize(v any) any {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int32:
		return int64(n)
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n)
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
	}
	return v
}
