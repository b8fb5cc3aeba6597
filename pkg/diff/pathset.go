package diff

import "slices"

// PathSet is a set of concrete paths of a live object (no wildcard), each with an id, and of
// items of set lists: the values that CompareExtra and Project look for where desired has
// nothing. Build one per live object, from its managedFields say (pkg/ownership reads them),
// and share it with nobody: it is a tree of the paths' segments, walked alongside the objects.
// The zero value is an empty set.
type PathSet struct {
	root pathNode
	size int
}

// pathNode is one segment of the paths of a PathSet, with the paths that end there.
type pathNode struct {
	// seg is the segment as the path added named it; path is the path from the root, which
	// shares the array of the first path added through it.
	seg  Segment
	path Path
	// fields are the children by map key; items the children by list item (keyed or indexed).
	fields []*pathNode
	items  []*pathNode
	// ids are those of the paths that end here; values the items of the set list here.
	ids    []int
	values []setValue
}

// setValue is an item of a set list, added with AddItem.
type setValue struct {
	v  any
	id int
}

// Add adds the path p with id. p names a value as Get finds it: fields by name, list items by
// key values or position. Adding a path under another one keeps both.
func (s *PathSet) Add(p Path, id int) {
	n := s.node(p)
	n.ids = append(n.ids, id)
	s.size++
}

// AddItem adds v, an item of the set list at p (a finalizer of metadata.finalizers, say), with
// id. pkg/diff names no item of a set list: CompareExtra reports the list when desired has it
// without v.
func (s *PathSet) AddItem(p Path, v any, id int) {
	n := s.node(p)
	n.values = append(n.values, setValue{v: v, id: id})
	s.size++
}

// Len returns the number of paths and items added.
func (s *PathSet) Len() int {
	if s == nil {
		return 0
	}
	return s.size
}

// top returns the root of s, or nil when s holds nothing: the walk then looks for nothing.
func (s *PathSet) top() *pathNode {
	if s.Len() == 0 {
		return nil
	}
	return &s.root
}

// node returns the node of p, adding the missing ones on the way.
func (s *PathSet) node(p Path) *pathNode {
	n := &s.root
	for i := range p {
		n = n.child(p, i)
	}
	return n
}

// child returns the child of n for the segment p[i], adding it if it is missing.
func (n *pathNode) child(p Path, i int) *pathNode {
	seg := &p[i]
	kids := &n.items
	if seg.Kind == FieldSegment {
		kids = &n.fields
	}
	for _, c := range *kids {
		if sameSegment(&c.seg, seg) {
			return c
		}
	}
	c := &pathNode{seg: *seg, path: p[: i+1 : i+1]}
	*kids = append(*kids, c)
	return c
}

// field returns the child of n for the map key name, or nil; n may be nil.
func (n *pathNode) field(name string) *pathNode {
	if n == nil {
		return nil
	}
	for _, c := range n.fields {
		if c.seg.Name == name {
			return c
		}
	}
	return nil
}

// leaf reports whether a path or an item of the set ends at n.
func (n *pathNode) leaf() bool { return len(n.ids) > 0 || len(n.values) > 0 }

// collect appends to out the ids of the paths and items at n and under it, sorted.
func (n *pathNode) collect(out []int) []int {
	start := len(out)
	var walk func(*pathNode)
	walk = func(n *pathNode) {
		out = append(out, n.ids...)
		for _, v := range n.values {
			out = append(out, v.id)
		}
		for _, c := range n.fields {
			walk(c)
		}
		for _, c := range n.items {
			walk(c)
		}
	}
	walk(n)
	slices.Sort(out[start:])
	return out
}

// sameSegment reports whether two concrete segments name the same value: keyed segments by
// the same key values, in any order.
func sameSegment(a, b *Segment) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case FieldSegment:
		return a.Name == b.Name
	case IndexSegment:
		return a.Index == b.Index
	case KeyedSegment:
		return len(a.Keys) == len(b.Keys) && hasKeys(a.Keys, b.Keys)
	}
	return false
}
