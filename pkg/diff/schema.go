package diff

// ListType says how Compare matches the items of a list.
type ListType string

// List types, as in the Kubernetes schema's x-kubernetes-list-type.
const (
	// ListAtomic lists compare item by item, by position. It is the default.
	ListAtomic ListType = "atomic"
	// ListMap lists match items by the values of their Keys, whatever their order.
	ListMap ListType = "map"
	// ListSet lists of scalars match items by value, whatever their order.
	ListSet ListType = "set"
)

// Schema is the part of a kind's schema that Compare needs: which lists are maps and by which
// keys. A Schema is a graph, not a tree: recursive types (JSONSchemaProps, for one) point back to
// themselves, so walk it alongside an object, never on its own. A nil *Schema is valid and means
// "nothing known": maps compare field by field and lists by position.
type Schema struct {
	// Fields holds the schema of each named field of an object.
	Fields map[string]*Schema
	// Elem is the schema of a list's items or of a map's values (additionalProperties).
	Elem *Schema
	// ListType says how a list's items are matched. Empty means ListAtomic.
	ListType ListType
	// Keys names the fields that identify an item of a ListMap list, in schema order.
	Keys []string
	// KeyDefaults holds the API default of a key field (a port's protocol is "TCP"), used
	// when a desired item omits that key.
	KeyDefaults map[string]any
	// Quantity marks resource.Quantity values ("1" and "1000m"), which compare by amount.
	Quantity bool
	// Atomic marks a map or struct that the API treats as one value (elementRelationship:
	// atomic; in CRDs x-kubernetes-map-type: atomic), such as a label selector. Inside it, maps
	// compare as a whole: a key live has and desired lacks is drift. Struct fields live has and
	// desired lacks are still not drift, since the server may have defaulted them.
	Atomic bool
	// Ordered marks a ListMap whose items' order is significant (init containers run in list
	// order): desired items found in live in another relative order are drift.
	Ordered bool
}

// Field returns the schema of the named field, or, for a map whose values share a schema
// (additionalProperties), Elem. It returns nil when nothing is known.
func (s *Schema) Field(name string) *Schema {
	if s == nil {
		return nil
	}
	if f, ok := s.Fields[name]; ok {
		return f
	}
	return s.Elem
}

// IsQuantity reports whether s describes resource.Quantity values; false for a nil s.
func (s *Schema) IsQuantity() bool { return s != nil && s.Quantity }

// Item returns the schema of a list's items, or nil.
func (s *Schema) Item() *Schema {
	if s == nil {
		return nil
	}
	return s.Elem
}

// At returns the schema of the value at p, a path from the value whose schema is s.
func (s *Schema) At(p Path) *Schema {
	for _, seg := range p {
		if seg.Kind == FieldSegment {
			s = s.Field(seg.Name)
		} else {
			s = s.Item()
		}
	}
	return s
}
