package webhook

import (
	"slices"
	"strconv"
	"unsafe"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// On the hand-edit path, check.Target.CompareRequest reads of an object, besides what Compare
// reads, what the hand-edit search does: the managedFields entries of the hand-edit managers,
// and along each path they own, from the first value Git does not set, the live value whole
// (diff.CompareExtra's Extra.Live, from which the search reports the value where a hand edit
// hangs). An ownedTree holds those paths, read from the entries' fieldsV1 as they are written
// ("f:name", "k:{keys}", "i:index", "v:value"), for the decoder to keep them as a second filter
// beside the desired object. It may keep more than the search reads (paths the search leaves
// out, an item matched loosely), never less: TestDecodeOwnedCompares holds CompareRequest on
// this decode to CompareRequest on the whole one.

// ownedTree is the union of the paths that some managedFields entries own. Its memory is
// reused from one object to the next (reset).
type ownedTree struct {
	nodes []ownedNode // nodes[0] is the root
	dec   decoder     // reads the fieldsV1 objects
	keys  decoder     // reads the key fields of "k:" elements
}

// ownedNode is a path element of an ownedTree: a field, or a list item (by keys, index or
// value). Children are linked: first, then each one's next; 0 is none.
type ownedNode struct {
	tree *ownedTree
	name string // the element as fieldsV1 writes it, prefix and all
	// key holds the key fields of a "k:" element, decoded.
	key         map[string]any
	first, next int32
	// items says that the node has list-item children; keyed that all of them are "k:"
	// elements.
	items, keyed bool
}

// reset empties t for another object.
func (t *ownedTree) reset() {
	clear(t.nodes)
	t.nodes = t.nodes[:0]
	t.dec.forget()
	t.keys.forget()
}

// build fills t with the fields that the entries of found owned by t's hand-edit managers,
// outside the status subresource, own in raw, an object's JSON; mem holds the key fields.
// It returns the root, or nil when no such entry owns anything.
func (t *ownedTree) build(raw []byte, found []fieldManager, tg *check.Target, mem *arena) (*ownedNode, error) {
	t.reset()
	t.nodes = append(t.nodes, ownedNode{tree: t, keyed: true})
	t.dec.mem, t.keys.mem = mem, mem
	for _, e := range found {
		if e.subresource == "status" || !tg.HandEditManager(e.manager) || e.fields.end == 0 {
			continue
		}
		t.dec.reset(raw[e.fields.start:e.fields.end:e.fields.end])
		if err := t.read(0); err != nil {
			return nil, err
		}
		if err := t.dec.end(); err != nil {
			return nil, err
		}
	}
	if len(t.nodes) == 1 || t.nodes[0].first == 0 {
		return nil, nil
	}
	return &t.nodes[0], nil
}

// read reads a fieldsV1 object into the children of the node n.
func (t *ownedTree) read(n int32) error {
	d := &t.dec
	return d.fields(func(k string) error {
		if len(k) < 2 || k[1] != ':' || !isElement(k[0]) {
			return d.skip() // ".": the node itself; an element fieldpath does not know
		}
		c, err := t.child(n, k)
		if err != nil {
			return err
		}
		if d.dec.PeekKind() != '{' {
			return d.skip()
		}
		return t.read(c)
	})
}

func isElement(c byte) bool { return c == 'f' || c == 'k' || c == 'i' || c == 'v' }

// child returns the child of n named k, adding it if it is missing. k shares the memory of
// the fieldsV1 JSON or of the arena, which outlive the tree.
func (t *ownedTree) child(n int32, k string) (int32, error) {
	for c := t.nodes[n].first; c != 0; c = t.nodes[c].next {
		if t.nodes[c].name == k {
			return c, nil
		}
	}
	node := ownedNode{tree: t, name: k, keyed: true}
	if k[0] == 'k' {
		key, err := t.keys.decode(unsafe.Slice(unsafe.StringData(k), len(k))[2:], at{lv: levelFull})
		if err != nil {
			return 0, err
		}
		node.key = key
	}
	t.nodes = append(t.nodes, node)
	c := int32(len(t.nodes) - 1)
	p := &t.nodes[n]
	t.nodes[c].next, p.first = p.first, c
	if k[0] != 'f' {
		p.items = true
		p.keyed = p.keyed && k[0] == 'k'
	}
	return c, nil
}

// field returns the child of n for the map key k, or nil; n may be nil.
func (n *ownedNode) field(k string) *ownedNode {
	if n == nil {
		return nil
	}
	for c := n.first; c != 0; c = n.tree.nodes[c].next {
		if name := n.tree.nodes[c].name; name[0] == 'f' && name[2:] == k {
			return &n.tree.nodes[c]
		}
	}
	return nil
}

// fields reports whether n has children that are fields (a map's keys, a struct's fields).
func (n *ownedNode) fields() bool {
	for c := n.first; c != 0; c = n.tree.nodes[c].next {
		if n.tree.nodes[c].name[0] == 'f' {
			return true
		}
	}
	return false
}

// listItems reports whether n owns items of the list at its place: the decoder then keeps
// them.
func (n *ownedNode) listItems() bool { return n != nil && n.items }

// keyedBy reports whether every item n owns is named by key fields among keys.
func (n *ownedNode) keyedBy(keys []string) bool {
	if !n.keyed {
		return false
	}
	for c := n.first; c != 0; c = n.tree.nodes[c].next {
		for k := range n.tree.nodes[c].key {
			if !slices.Contains(keys, k) {
				return false
			}
		}
	}
	return true
}

// item returns the child of n that names the list item m by its key fields (those m lacks
// taking their defaults), and how many do: a match is loose, by the keys' text, so that it
// never misses one that pkg/diff's lookup makes.
func (n *ownedNode) item(m map[string]any, defaults map[string]any) (*ownedNode, int) {
	var found *ownedNode
	count := 0
	for c := n.first; c != 0; c = n.tree.nodes[c].next {
		node := &n.tree.nodes[c]
		if node.key != nil && keysMatch(node.key, m, defaults) {
			found = node
			count++
		}
	}
	return found, count
}

// keysMatch reports whether the item m has the key fields of key, by their text.
func keysMatch(key, m, defaults map[string]any) bool {
	for k, v := range key {
		if !sameKeyText(v, keyValue(m, k, defaults)) && !sameKeyText(v, m[k]) {
			return false
		}
	}
	return true
}

// sameKeyText compares two key values as pkg/diff names list items, by their text: a string
// as it is, an integer in decimal, a boolean as true or false. A float, or a value of another
// kind, matches anything: the match is loose, never stricter than pkg/diff's.
func sameKeyText(a, b any) bool {
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case int64:
			return x == strconv.FormatInt(y, 10)
		case bool:
			return x == strconv.FormatBool(y)
		}
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case string:
			return y == strconv.FormatInt(x, 10)
		case bool:
			return false
		}
	case bool:
		switch y := b.(type) {
		case bool:
			return x == y
		case string:
			return y == strconv.FormatBool(x)
		case int64:
			return false
		}
	}
	return true
}
