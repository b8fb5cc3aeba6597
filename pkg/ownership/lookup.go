package ownership

import (
	"slices"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// Relation says how the owners Of returns relate to the path asked about.
type Relation int

// Relations.
const (
	// None: nobody owns the path, anything under it or above it.
	None Relation = iota
	// Exact: the owners own the path itself.
	Exact
	// Descendant: the owners own values under the path (a drift reported at a map or a list).
	Descendant
	// Ancestor: the owners own the nearest value above the path that anyone owns (an atomic
	// map, struct or list holding it).
	Ancestor
)

// String names r.
func (r Relation) String() string {
	return [...]string{"none", "exact", "descendant", "ancestor"}[r]
}

// Of returns the owners of the value at p, a concrete path as pkg/diff reports it: those that
// own p exactly; else those that own values under it; else those that own the nearest owned
// value above it. Each owner comes once, in managedFields order. A keyed segment matches an
// owned item with the same key values, whatever their order.
func (o *Owners) Of(p diff.Path) ([]Owner, Relation) {
	if o == nil || len(p) == 0 {
		return nil, None
	}
	if got := o.collect(func(f *field) bool { return !f.isItem && equal(f.path, p) }); len(got) > 0 {
		return got, Exact
	}
	if got := o.collect(func(f *field) bool {
		return len(f.path) >= len(p) && (len(f.path) > len(p) || f.isItem) && prefix(p, f.path)
	}); len(got) > 0 {
		return got, Descendant
	}
	best := 0
	for i := range o.fields {
		f := &o.fields[i]
		if !f.isItem && len(f.path) < len(p) && len(f.path) > best && prefix(f.path, p) {
			best = len(f.path)
		}
	}
	if best == 0 {
		return nil, None
	}
	return o.collect(func(f *field) bool { return !f.isItem && len(f.path) == best && prefix(f.path, p) }), Ancestor
}

// collect returns the owners of the fields that match, each once, in entry order.
func (o *Owners) collect(match func(*field) bool) []Owner {
	var idx []int
	for i := range o.fields {
		if match(&o.fields[i]) && !slices.Contains(idx, o.fields[i].owner) {
			idx = append(idx, o.fields[i].owner)
		}
	}
	slices.Sort(idx)
	out := make([]Owner, len(idx))
	for i, j := range idx {
		out[i] = o.owners[j]
	}
	return out
}

// equal reports whether two concrete paths name the same value.
func equal(a, b diff.Path) bool {
	return len(a) == len(b) && prefix(a, b)
}

// prefix reports whether the concrete path a is b or a path above it.
func prefix(a, b diff.Path) bool {
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if !sameSegment(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

// sameSegment compares two concrete segments; keyed segments compare their key values as sets.
func sameSegment(a, b *diff.Segment) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case diff.FieldSegment:
		return a.Name == b.Name
	case diff.IndexSegment:
		return a.Index == b.Index
	case diff.KeyedSegment:
		if len(a.Keys) != len(b.Keys) {
			return false
		}
		for _, kv := range a.Keys {
			if !slices.Contains(b.Keys, kv) {
				return false
			}
		}
		return true
	}
	return false
}
