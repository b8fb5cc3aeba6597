package share

import (
	"cmp"
	"encoding/binary"
	"math"
	"reflect"
	"slices"
	"unsafe"
)

// id names a distinct value of a Table: equal values, deep and typed, have the same id.
type id uint32

// The ids of the values that need no table.
const (
	idNil id = iota
	idFalse
	idTrue
	idNilMap  // map[string]any(nil)
	idNilList // []any(nil)
	firstID
)

// Table holds one node for each distinct value it has seen. The zero value is not usable:
// call NewTable. A Table is not safe for concurrent use; drop it once its trees are built,
// which keeps what it returned and frees its index.
type Table struct {
	// strs holds map keys and string values, one copy of their bytes each.
	strs map[string]*str
	// ints and floats hold the boxed numbers (a float64 by its bits).
	ints   map[int64]node
	floats map[uint64]node
	// nodes are the maps and lists, by their canonical key: a tag ('m' or 'l') and the ids
	// of their children, map entries sorted by the id of their key.
	nodes map[string]node
	next  id
	// stack and ids hold the entries of the maps and the ids of the items of the lists being
	// walked; buf the key being built.
	stack []entry
	ids   []id
	buf   []byte
}

// str is a string the table holds: its id, its bytes once, and the box (an any) of the
// string when it was seen as a value.
type str struct {
	id  id
	s   string
	box any
}

// node is a value the table holds, its id, and where a map's or a list's data is (which tells
// a value seen again from an equal one).
type node struct {
	v   any
	id  id
	ptr unsafe.Pointer
}

// entry is a map entry being walked, shared: its key and value, and their ids.
type entry struct {
	k        string
	v        any
	kid, vid id
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{strs: map[string]*str{}, ints: map[int64]node{}, floats: map[uint64]node{}, nodes: map[string]node{}, next: firstID}
}

// Object returns m with every part equal to one the table has seen replaced by that one:
// deep-equal to m, typed, and made of the table's nodes. m itself is never written; a part of
// m the table had not seen and whose own parts it had not seen either becomes the table's as
// it is, so a tree a Table returned comes back the same from any Table.
func (t *Table) Object(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	v, _, _ := t.object(m)
	return v.(map[string]any)
}

// Value is Object for any value of a JSON-like tree.
func (t *Table) Value(v any) any {
	out, _, _ := t.value(v)
	return out
}

// value returns the table's node for v, its id, and whether that node is v itself. A value of
// another type than a JSON-like tree has is returned as it is, with an id of its own.
func (t *Table) value(v any) (any, id, bool) {
	switch x := v.(type) {
	case nil:
		return v, idNil, true
	case bool:
		if x {
			return v, idTrue, true
		}
		return v, idFalse, true
	case string:
		s := t.str(x)
		if s.box == nil {
			s.box = v
			if unsafe.StringData(s.s) != unsafe.StringData(x) {
				s.box = s.s // the bytes the table holds
			}
		}
		// The box is v's own only when it was v; the bytes tell if the box may be.
		return s.box, s.id, unsafe.StringData(s.box.(string)) == unsafe.StringData(x)
	case int64:
		n, ok := t.ints[x]
		if !ok {
			n = node{v: v, id: t.newID()}
			t.ints[x] = n
		}
		return n.v, n.id, true // a box of a number is no reason to copy its map
	case float64:
		n, ok := t.floats[math.Float64bits(x)]
		if !ok {
			n = node{v: v, id: t.newID()}
			t.floats[math.Float64bits(x)] = n
		}
		return n.v, n.id, true
	case map[string]any:
		if x == nil {
			return v, idNilMap, true
		}
		return t.object(x)
	case []any:
		if x == nil {
			return v, idNilList, true
		}
		return t.list(x)
	}
	return v, t.newID(), true
}

// str returns the table's copy of s, adding it if new.
func (t *Table) str(s string) *str {
	e, ok := t.strs[s]
	if !ok {
		e = &str{id: t.newID(), s: s}
		t.strs[s] = e
	}
	return e
}

// object returns the table's node for m (see value).
func (t *Table) object(m map[string]any) (any, id, bool) {
	start := len(t.stack)
	same := true
	for k, v := range m {
		ks := t.str(k)
		cv, vid, vsame := t.value(v)
		same = same && vsame && unsafe.StringData(ks.s) == unsafe.StringData(k)
		t.stack = append(t.stack, entry{k: ks.s, v: cv, kid: ks.id, vid: vid})
	}
	entries := t.stack[start:]
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.kid, b.kid) })
	t.buf = append(t.buf[:0], 'm')
	for _, e := range entries {
		t.buf = binary.AppendUvarint(binary.AppendUvarint(t.buf, uint64(e.kid)), uint64(e.vid))
	}
	n, found := t.nodes[string(t.buf)]
	if !found {
		var out map[string]any
		if same {
			out = m
		} else {
			out = make(map[string]any, len(entries))
			for _, e := range entries {
				out[e.k] = e.v
			}
		}
		n = node{v: out, id: t.newID(), ptr: reflect.ValueOf(out).UnsafePointer()}
		t.nodes[string(t.buf)] = n
	}
	clear(entries) // let what the stack held go
	t.stack = t.stack[:start]
	if found { // m itself, when a tree the table returned is shared again
		same = n.ptr == reflect.ValueOf(m).UnsafePointer()
	}
	return n.v, n.id, same
}

// list returns the table's node for l (see value).
func (t *Table) list(l []any) (any, id, bool) {
	start := len(t.ids)
	out, copied := l, false
	for i, v := range l {
		cv, vid, same := t.value(v)
		t.ids = append(t.ids, vid)
		if !same {
			if !copied {
				out, copied = slices.Clone(l), true
			}
			out[i] = cv
		}
	}
	t.buf = append(t.buf[:0], 'l')
	for _, vid := range t.ids[start:] {
		t.buf = binary.AppendUvarint(t.buf, uint64(vid))
	}
	t.ids = t.ids[:start]
	n, found := t.nodes[string(t.buf)]
	if !found {
		n = node{v: slices.Clip(out), id: t.newID(), ptr: unsafe.Pointer(unsafe.SliceData(out))}
		t.nodes[string(t.buf)] = n
	}
	if found {
		return n.v, n.id, n.ptr == unsafe.Pointer(unsafe.SliceData(l)) && len(n.v.([]any)) == len(l)
	}
	return n.v, n.id, !copied
}

// newID returns an id not given yet.
func (t *Table) newID() id {
	t.next++
	return t.next - 1
}
