package diff

import "slices"

// Extra is what CompareExtra found on the way to the paths of a PathSet where desired sets
// nothing: a value that live may have and desired lacks.
type Extra struct {
	// Path is where desired stops: the first value, on the way from the root to paths of the
	// set, that desired does not have (its parent it has). Its segments are those of the
	// paths added to the set. When Items is true, Path is instead a set list that desired
	// has, without some of the items added to the set for it.
	Path Path
	// Live is live's value at Path, and InLive whether live has one.
	Live   any
	InLive bool
	// Items is true when desired has the list at Path, Desired, and lacks the items whose
	// ids are IDs.
	Items   bool
	Desired any
	// IDs are the ids of the paths and items of the set at or under Path (sorted), or, when
	// Items is true, of the items desired lacks.
	IDs []int
	// node is the node of the set at Path.
	node *pathNode
}

// CompareExtra is Compare (same fields, same order) that also returns, from the same walk, the
// values that live may have and desired lacks on the way to the paths of set: where desired
// stops, one Extra for all the paths of set under that point. Paths of set under values that
// desired has are followed as Get follows them (list items by their key values, the first
// that matches), whatever the list type: a list compared whole, or by position, still has its
// items looked up by key. Set lists whose items were added with AddItem are reported when
// desired has the list without one of them. A nil or empty set looks for nothing: CompareExtra
// is then Compare.
//
// It is for callers that classify what live adds (pkg/check's hand-edit search: the set holds
// what hand-edit managers own), without walking live again from the root for each path.
func CompareExtra(desired, live map[string]any, opts Options, set *PathSet) ([]Field, []Extra) {
	w := newWalker(desired, opts)
	w.set = set
	w.object(desired, live, opts.Schema, levelRoot, set.top())
	w.collectIDs()
	return w.out, w.extras
}

// addExtra records that desired stops at n, where live has lv (inLive).
func (w *walker) addExtra(n *pathNode, lv any, inLive bool) {
	w.extras = append(w.extras, Extra{Path: n.path, Live: lv, InLive: inLive, node: n})
}

// collectIDs gives each extra the ids under it, all in one array.
func (w *walker) collectIDs() {
	ids := w.idBuf[:0]
	for i := range w.extras {
		if e := &w.extras[i]; !e.Items {
			start := len(ids)
			ids = w.set.collect(e.node, ids)
			e.IDs = ids[start:len(ids):len(ids)]
		}
	}
}

// owned follows the paths of the set under n into d, the desired value at n's path, which
// desired has, and l, the live value there (nil when live has none), as Get finds them: a map
// key, or a list item by its key values or position. Where desired stops, it records an extra.
func (w *walker) owned(d, l any, s *Schema, n *pathNode) {
	w.ownedFields(d, l, s, n)
	w.ownedItems(d, l, s, n)
	w.ownedValues(d, l, n)
}

// ownedFields is owned for the map keys under n; d and l may be maps or not.
func (w *walker) ownedFields(d, l any, s *Schema, n *pathNode) {
	if n.fields == 0 {
		return
	}
	dm, _ := d.(map[string]any)
	lm, _ := l.(map[string]any)
	for i := n.fields; i != 0; i = w.set.nodes[i].next {
		c := &w.set.nodes[i]
		name := c.seg().Name
		lv, inLive := lm[name]
		if dv, ok := dm[name]; ok {
			w.owned(dv, lv, s.Field(name), c)
		} else {
			w.addExtra(c, lv, inLive)
		}
	}
}

// ownedItems is owned for the list items under n; d and l may be lists or not.
func (w *walker) ownedItems(d, l any, s *Schema, n *pathNode) {
	if n.items == 0 {
		return
	}
	dl, _ := d.([]any)
	ll, _ := l.([]any)
	for i := n.items; i != 0; i = w.set.nodes[i].next {
		c := &w.set.nodes[i]
		var lv any
		k := find(ll, c.seg(), s)
		if k >= 0 {
			lv = ll[k]
		}
		if j := find(dl, c.seg(), s); j >= 0 {
			w.owned(dl[j], lv, s.Item(), c)
		} else {
			w.addExtra(c, lv, k >= 0)
		}
	}
}

// ownedValues records the items of the set list at n that d, which desired has, lacks.
func (w *walker) ownedValues(d, l any, n *pathNode) {
	if n.values == 0 {
		return
	}
	dl, _ := d.([]any)
	var missing []int
	for i := n.values; i != 0; i = w.set.values[i].next {
		v := &w.set.values[i]
		if !slices.ContainsFunc(dl, func(x any) bool { return Equal(x, v.v, nil) }) {
			missing = append(missing, v.id)
		}
	}
	slices.Sort(missing)
	if missing != nil {
		w.extras = append(w.extras, Extra{Path: n.path, Live: l, InLive: true, Items: true, Desired: d, IDs: missing, node: n})
	}
}
