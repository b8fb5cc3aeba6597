package diff

import "slices"

// PathSet is a set of concrete paths of a live object (no wildcard), each with an id, and of
// items of set lists: the values that CompareExtra and Project look for where desired has
// nothing. Build one per live object, from its managedFields say (pkg/ownership reads them),
// then walk with it; do not add to it while a walk uses it. It is a tree of the paths'
// segments, walked alongside the objects, held in three slices: a few allocations whatever
// its size. The zero value is an empty set.
type PathSet struct {
	nodes  []pathNode // nodes[0] is the root, once anything is added
	more   []idLink   // the ids of paths added more than once
	values []setValue
	size   int
}

// pathNode is one segment of the paths of a PathSet, with the paths that end there. Links
// are indexes into the set's slices; 0 is none (the root is no one's child, and the first
// id and value are kept at 1).
type pathNode struct {
	// path is the path from the root; its last segment is the node's, as the path added
	// named it. It shares the array of the first path added through the node.
	path Path
	// fields and items are the first children by map key and by list item (keyed or
	// indexed); next is the node's next sibling.
	fields, items, next int32
	// id is the id of the path that ends here, if hasID; more and values are the first of the
	// other ids of that path (added again, by another manager say) and of the items of the
	// set list here.
	id           int
	hasID        bool
	more, values int32
}

// idLink is an id of a path that ends at a node, and the node's next one.
type idLink struct {
	id   int
	next int32
}

// setValue is an item of a set list, added with AddItem, and the next one of its node.
type setValue struct {
	v    any
	id   int
	next int32
}

// Add adds the path p with id. p names a value as Get finds it: fields by name, list items by
// key values or position. Adding a path under another one keeps both.
func (s *PathSet) Add(p Path, id int) {
	n := s.node(p)
	s.size++
	if !s.nodes[n].hasID {
		s.nodes[n].id, s.nodes[n].hasID = id, true
		return
	}
	if len(s.more) == 0 {
		s.more = make([]idLink, 1, 2) // index 0 stands for none
	}
	s.more = append(s.more, idLink{id: id, next: s.nodes[n].more})
	s.nodes[n].more = int32(len(s.more) - 1)
}

// AddItem adds v, an item of the set list at p (a finalizer of metadata.finalizers, say), with
// id. pkg/diff names no item of a set list: CompareExtra reports the list when desired has it
// without v.
func (s *PathSet) AddItem(p Path, v any, id int) {
	n := s.node(p)
	s.size++
	if len(s.values) == 0 {
		s.values = make([]setValue, 1, 2) // index 0 stands for none
	}
	s.values = append(s.values, setValue{v: v, id: id, next: s.nodes[n].values})
	s.nodes[n].values = int32(len(s.values) - 1)
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
	return &s.nodes[0]
}

// node returns the index of the node of p, adding the missing ones on the way.
func (s *PathSet) node(p Path) int32 {
	if len(s.nodes) == 0 {
		s.nodes = make([]pathNode, 1, 2+len(p)) // the root, room for a path and a branch
	}
	var n int32
	for i := range p {
		n = s.child(n, p, i)
	}
	return n
}

// child returns the index of the child of node n for the segment p[i], adding it if it is
// missing.
func (s *PathSet) child(n int32, p Path, i int) int32 {
	seg := &p[i]
	first := &s.nodes[n].items
	if seg.Kind == FieldSegment {
		first = &s.nodes[n].fields
	}
	for c := *first; c != 0; c = s.nodes[c].next {
		if sameSegment(s.nodes[c].seg(), seg) {
			return c
		}
	}
	s.nodes = append(s.nodes, pathNode{path: p[: i+1 : i+1]})
	c := int32(len(s.nodes) - 1)
	// The append may have moved the nodes: find the link again.
	first = &s.nodes[n].items
	if seg.Kind == FieldSegment {
		first = &s.nodes[n].fields
	}
	s.nodes[c].next, *first = *first, c
	return c
}

// seg returns the node's own segment.
func (n *pathNode) seg() *Segment { return &n.path[len(n.path)-1] }

// field returns the child of n for the map key name, or nil; n may be nil.
func (s *PathSet) field(n *pathNode, name string) *pathNode {
	if n == nil {
		return nil
	}
	for c := n.fields; c != 0; c = s.nodes[c].next {
		if s.nodes[c].seg().Name == name {
			return &s.nodes[c]
		}
	}
	return nil
}

// leaf reports whether a path or an item of the set ends at n.
func (n *pathNode) leaf() bool { return n.hasID || n.values != 0 }

// collect appends to out the ids of the paths and items at n and under it, sorted.
func (s *PathSet) collect(n *pathNode, out []int) []int {
	start := len(out)
	out = s.appendIDs(n, out)
	slices.Sort(out[start:])
	return out
}

// appendIDs appends the ids at n and under it to out.
func (s *PathSet) appendIDs(n *pathNode, out []int) []int {
	if n.hasID {
		out = append(out, n.id)
	}
	for i := n.more; i != 0; i = s.more[i].next {
		out = append(out, s.more[i].id)
	}
	for i := n.values; i != 0; i = s.values[i].next {
		out = append(out, s.values[i].id)
	}
	for _, first := range [2]int32{n.fields, n.items} {
		for c := first; c != 0; c = s.nodes[c].next {
			out = s.appendIDs(&s.nodes[c], out)
		}
	}
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
