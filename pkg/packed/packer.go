package packed

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"
)

// The tags of the encoding: each value starts with one. A map is followed by its number of
// entries and, for each, the index of its key and its value; a list by its number of items
// and the items; a leaf by its index.
const (
	tagNil     byte = iota // any(nil)
	tagNilMap              // map[string]any(nil)
	tagNilList             // []any(nil)
	tagMap
	tagList
	tagLeaf
)

// table holds the leaves and the map keys of the trees of a Packer. A Tree points to it: it
// outlives the Packer, which adds to it while it packs.
type table struct {
	leaves []any
	keys   []string
}

// Packer packs trees whose leaves and keys it holds once, in one table for all of them. The
// zero value is not usable: call NewPacker. A Packer is not safe for concurrent use; its
// trees may be thawed once it is done (see Done), from any number of goroutines.
type Packer struct {
	tab    *table
	strs   map[string]uint32 // string leaves
	ints   map[int64]uint32
	floats map[uint64]uint32 // by their bits: -0 is not 0
	bools  [2]uint32         // false, true; 0: not yet
	keys   map[string]uint32
	buf    []byte
}

// NewPacker returns a Packer with empty tables.
func NewPacker() *Packer {
	return &Packer{
		tab:    &table{},
		strs:   map[string]uint32{},
		ints:   map[int64]uint32{},
		floats: map[uint64]uint32{},
		keys:   map[string]uint32{},
	}
}

// Pack returns m packed. m is not written nor kept: the leaves and keys of the Tree are
// copies the Packer holds (a string's bytes are copied the first time it is seen), but for
// values of other types, which are kept as they are. A nil map gives the zero Tree.
func (p *Packer) Pack(m map[string]any) Tree {
	if m == nil {
		return Tree{}
	}
	p.buf = p.value(p.buf[:0], m)
	return Tree{tab: p.tab, enc: string(p.buf)}
}

// Done copies the Packer's tables to arrays of their size (appending left up to a quarter
// unused) and drops its indexes: call it once the last tree is packed. The Packer must not be
// used afterwards; its trees stay valid.
func (p *Packer) Done() {
	p.tab.leaves = slices.Clone(p.tab.leaves)
	p.tab.keys = slices.Clone(p.tab.keys)
	*p = Packer{}
}

// value appends the encoding of v to b.
func (p *Packer) value(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNil)
	case map[string]any:
		if x == nil {
			return append(b, tagNilMap)
		}
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(x)))
		for k, e := range x {
			b = binary.AppendUvarint(b, uint64(p.key(k)))
			b = p.value(b, e)
		}
		return b
	case []any:
		if x == nil {
			return append(b, tagNilList)
		}
		b = binary.AppendUvarint(append(b, tagList), uint64(len(x)))
		for _, e := range x {
			b = p.value(b, e)
		}
		return b
	}
	return binary.AppendUvarint(append(b, tagLeaf), uint64(p.leaf(v)))
}

// key returns the index of the key k, adding it if new.
func (p *Packer) key(k string) uint32 {
	i, ok := p.keys[k]
	if !ok {
		i = uint32(len(p.tab.keys))
		k = p.clone(k)
		p.tab.keys = append(p.tab.keys, k)
		p.keys[k] = i
	}
	return i
}

// leaf returns the index of the leaf v, adding it if new.
func (p *Packer) leaf(v any) uint32 {
	switch x := v.(type) {
	case string:
		i, ok := p.strs[x]
		if !ok {
			x = p.clone(x)
			i = p.add(x)
			p.strs[x] = i
		}
		return i
	case int64:
		i, ok := p.ints[x]
		if !ok {
			i = p.add(v)
			p.ints[x] = i
		}
		return i
	case float64:
		bits := math.Float64bits(x)
		i, ok := p.floats[bits]
		if !ok {
			i = p.add(v)
			p.floats[bits] = i
		}
		return i
	case bool:
		n := 0
		if x {
			n = 1
		}
		if p.bools[n] == 0 {
			p.bools[n] = p.add(v) + 1
		}
		return p.bools[n] - 1
	}
	return p.add(v) // another type: kept as it is, not held once
}

// clone returns the Packer's copy of s, a new key or string leaf: the other's bytes when s is
// already one (a key "app" and a value "app" are one copy), else new bytes.
func (p *Packer) clone(s string) string {
	if i, ok := p.keys[s]; ok {
		return p.tab.keys[i]
	}
	if i, ok := p.strs[s]; ok {
		return p.tab.leaves[i].(string)
	}
	return strings.Clone(s)
}

// add appends the leaf v to the table and returns its index.
func (p *Packer) add(v any) uint32 {
	p.tab.leaves = append(p.tab.leaves, v)
	return uint32(len(p.tab.leaves) - 1)
}
