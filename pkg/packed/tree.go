package packed

// Tree is a packed tree (see Packer.Pack). The zero Tree is a nil map. A Tree is immutable:
// once its Packer is done, copy it and thaw it freely, from any goroutine.
type Tree struct {
	tab *table
	enc string
}

// IsNil reports whether t is the zero Tree, the packing of a nil map.
func (t Tree) IsNil() bool { return t.tab == nil }

// Thaw returns a new tree deep-equal to the map t was packed from (reflect.DeepEqual): the
// same Go types (int64 stays int64), nil maps and lists where it had them, each map made with
// its number of entries. The maps and lists are the caller's, to write if it likes; the
// leaves are the Packer's, shared by every Thaw. Nil for the zero Tree.
func (t Tree) Thaw() map[string]any {
	if t.tab == nil {
		return nil
	}
	r := reader{enc: t.enc, leaves: t.tab.leaves, keys: t.tab.keys}
	m, _ := r.value().(map[string]any)
	return m
}

// reader decodes an encoding.
type reader struct {
	enc    string
	i      int
	leaves []any
	keys   []string
}

// value decodes the value at r.i.
func (r *reader) value() any {
	tag := r.enc[r.i]
	r.i++
	switch tag {
	case tagNil:
		return nil
	case tagNilMap:
		return map[string]any(nil)
	case tagNilList:
		return []any(nil)
	case tagMap:
		n := r.uvarint()
		m := make(map[string]any, n)
		for range n {
			k := r.keys[r.uvarint()]
			m[k] = r.value()
		}
		return m
	case tagList:
		l := make([]any, r.uvarint())
		for i := range l {
			l[i] = r.value()
		}
		return l
	}
	return r.leaves[r.uvarint()]
}

// uvarint decodes the unsigned varint at r.i.
func (r *reader) uvarint() int {
	var x, shift uint
	for {
		c := r.enc[r.i]
		r.i++
		x |= uint(c&0x7f) << shift
		if c < 0x80 {
			return int(x)
		}
		shift += 7
	}
}
