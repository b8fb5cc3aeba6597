package diff

import (
	"slices"
	"strings"
)

// list compares a desired list with the live value, following the list type of s.
func (w *walker) list(d []any, l any, s *Schema) {
	lv, ok := l.([]any)
	if !ok && l != nil {
		w.report(d, l)
		return
	}
	switch how, keys, defaults := matching(d, lv, s); how {
	case byKeys:
		w.mapList(d, lv, s, keys, defaults)
	case asSubset:
		if !subset(d, lv, s.Item()) {
			w.report(d, l)
		}
	case byPosition:
		w.positional(d, lv, s.Item())
	default:
		if !scalarsEqual(d, lv, s.Item()) {
			w.report(d, l)
		}
	}
}

// listMatch is how Compare matches the items of a desired list with the live ones.
type listMatch uint8

const (
	// asScalars: the lists compare whole, item by item.
	asScalars listMatch = iota
	// byKeys: items match by their key values (mapList).
	byKeys
	// asSubset: every desired item must be in live (a set list).
	asSubset
	// byPosition: items match by their position (positional).
	byPosition
)

// matching returns how the items of the desired list d match those of the live list l, whose
// schema is s, and for byKeys the key fields and their defaults. Project follows the same
// rules as Compare through it.
func matching(d, l []any, s *Schema) (listMatch, []string, map[string]any) {
	switch {
	case s != nil && s.ListType == ListMap && len(s.Keys) > 0 && allMaps(d):
		return byKeys, s.Keys, s.KeyDefaults
	case s != nil && s.ListType == ListSet:
		return asSubset, nil, nil
	case s == nil && allNamed(d) && allNamed(l):
		return byKeys, []string{"name"}, nil
	case anyMap(d) || anyMap(l):
		return byPosition, nil, nil
	}
	return asScalars, nil, nil
}

// mapList matches each desired item with the live item that has the same key values, in any
// order. Live items whose keys no desired item has are not drift (an injected sidecar); a live
// item whose keys repeat those of a desired item is (the API server accepts two env entries
// with one name, and kubelet uses the last). When s is Ordered, desired items found in live in
// another relative order are drift, reported at the list.
func (w *walker) mapList(d, l []any, s *Schema, keys []string, defaults map[string]any) {
	start := len(w.ints)
	m := w.matchItems(d, l, keys, defaults)
	if s != nil && s.Ordered && !inOrder(m.live) {
		w.report(m.order(d, l, keys, defaults))
	}
	item := s.Item()
	for i, di := range d {
		dm := di.(map[string]any)
		w.push(frame{kind: KeyedSegment, index: i, item: dm, keys: keys, defaults: defaults})
		if j := m.live[i]; j >= 0 {
			w.value(dm, l[j], item, levelNone, nil)
		} else {
			w.report(dm, nil)
		}
		if m.extra != nil && m.extra[i] {
			w.report(dm, withKeys(l, dm, keys, defaults))
		}
		w.pop()
	}
	w.ints = w.ints[:start]
}

// itemMatch is how the items of a desired list-map matched the live ones: live[i] is the index
// of the live item that desired item i matched, or -1; extra[i] is true when live holds more
// items with the keys of desired item i than desired does (flagged on the first of them).
type itemMatch struct {
	live  []int
	extra []bool
}

// matchItems pairs every desired item with a distinct live item of the same key values, trying
// the same position first, so lists in the same order match in linear time and duplicate keys
// pair up by position. The indexes live on w.ints; the caller releases them.
func (w *walker) matchItems(d, l []any, keys []string, defaults map[string]any) itemMatch {
	start := len(w.ints)
	matched := 0
	for i, di := range d {
		j := match(di.(map[string]any), l, i, w.ints[start:], keys, defaults)
		if j >= 0 {
			matched++
		}
		w.ints = append(w.ints, j)
	}
	m := itemMatch{live: w.ints[start:len(w.ints):len(w.ints)]}
	if matched == len(l) {
		return m // every live item is some desired item's: no duplicates
	}
	for j, li := range l {
		if slices.Contains(m.live, j) {
			continue
		}
		for i, di := range d {
			if sameKeys(di.(map[string]any), li, keys, defaults) {
				if m.extra == nil {
					m.extra = make([]bool, len(d))
				}
				m.extra[firstWithKeys(d, i, keys, defaults)] = true
				break
			}
		}
	}
	return m
}

// match returns the index of the item of l, not in used, whose keys have the values of those
// of dm, or -1. It tries position i first.
func match(dm map[string]any, l []any, i int, used []int, keys []string, defaults map[string]any) int {
	if i < len(l) && !slices.Contains(used, i) && sameKeys(dm, l[i], keys, defaults) {
		return i
	}
	for j, li := range l {
		if j != i && sameKeys(dm, li, keys, defaults) && !slices.Contains(used, j) {
			return j
		}
	}
	return -1
}

// firstWithKeys returns the index of the first item of d with the keys of d[i].
func firstWithKeys(d []any, i int, keys []string, defaults map[string]any) int {
	dm := d[i].(map[string]any)
	for k := range i {
		if sameKeys(dm, d[k], keys, defaults) {
			return k
		}
	}
	return i
}

// withKeys returns the items of l whose keys have the values of those of dm.
func withKeys(l []any, dm map[string]any, keys []string, defaults map[string]any) []any {
	var out []any
	for _, li := range l {
		if sameKeys(dm, li, keys, defaults) {
			out = append(out, li)
		}
	}
	return out
}

// inOrder reports whether the matched live indexes increase, unmatched ones (-1) aside.
func inOrder(live []int) bool {
	last := -1
	for _, j := range live {
		if j < 0 {
			continue
		}
		if j < last {
			return false
		}
		last = j
	}
	return true
}

// order returns the keys of the matched items in desired order and in live order, as an
// Ordered list's drift shows them: ["init-db", "migrate"] against ["migrate", "init-db"].
func (m itemMatch) order(d, l []any, keys []string, defaults map[string]any) (desired, live []any) {
	byLive := make([]int, 0, len(m.live))
	for i, j := range m.live {
		if j >= 0 {
			desired = append(desired, keyLabel(d[i].(map[string]any), keys, defaults))
			byLive = append(byLive, j)
		}
	}
	slices.Sort(byLive)
	for _, j := range byLive {
		live = append(live, keyLabel(l[j].(map[string]any), keys, defaults))
	}
	return desired, live
}

// keyLabel names a list-map item by its key values: the value alone for a single key
// ("init-db"), name=value pairs otherwise ("port=80,protocol=TCP").
func keyLabel(item map[string]any, keys []string, defaults map[string]any) string {
	if len(keys) == 1 {
		return formatScalar(keyValue(item, keys[0], defaults))
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + formatScalar(keyValue(item, k, defaults))
	}
	return strings.Join(parts, ",")
}

func sameKeys(dm map[string]any, li any, keys []string, defaults map[string]any) bool {
	lm, ok := li.(map[string]any)
	if !ok {
		return false
	}
	for _, k := range keys {
		if !scalarEqual(keyValue(dm, k, defaults), keyValue(lm, k, defaults)) {
			return false
		}
	}
	return true
}

// positional compares items by position. Items only on one side are drift, reported with nil
// on the other side.
func (w *walker) positional(d, l []any, item *Schema) {
	for i := range max(len(d), len(l)) {
		w.push(frame{kind: IndexSegment, index: i})
		switch {
		case i >= len(l):
			w.report(d[i], nil)
		case i >= len(d):
			w.report(nil, l[i])
		default:
			w.value(d[i], l[i], item, levelNone, nil)
		}
		w.pop()
	}
}

// subset reports whether every item of d is in l.
func subset(d, l []any, item *Schema) bool {
	for _, di := range d {
		found := false
		for _, li := range l {
			if deepEqual(di, li, item) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// scalarsEqual compares two lists of scalars item by item.
func scalarsEqual(d, l []any, item *Schema) bool {
	if len(d) != len(l) {
		return false
	}
	for i := range d {
		if !valueEqual(d[i], l[i], item) {
			return false
		}
	}
	return true
}

// deepEqual compares two values of any shape, scalars as valueEqual does.
func deepEqual(a, b any, s *Schema) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if yv, ok := y[k]; !ok || !deepEqual(v, yv, s.Field(k)) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !deepEqual(x[i], y[i], s.Item()) {
				return false
			}
		}
		return true
	}
	return valueEqual(a, b, s)
}

func allMaps(l []any) bool {
	for _, v := range l {
		if _, ok := v.(map[string]any); !ok {
			return false
		}
	}
	return true
}

func anyMap(l []any) bool {
	for _, v := range l {
		if _, ok := v.(map[string]any); ok {
			return true
		}
	}
	return false
}

// allNamed reports whether every item of l is a map with a string "name".
func allNamed(l []any) bool {
	for _, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return true
}
