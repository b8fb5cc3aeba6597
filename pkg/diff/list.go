package diff

// list compares a desired list with the live value, following the list type of s.
func (w *walker) list(d []any, l any, s *Schema) {
	lv, ok := l.([]any)
	if !ok && l != nil {
		w.report(d, l)
		return
	}
	switch {
	case s != nil && s.ListType == ListMap && len(s.Keys) > 0 && allMaps(d):
		w.mapList(d, lv, s.Item(), s.Keys, s.KeyDefaults)
	case s != nil && s.ListType == ListSet:
		if !subset(d, lv, s.Item()) {
			w.report(d, l)
		}
	case s == nil && allNamed(d) && allNamed(lv):
		w.mapList(d, lv, nil, []string{"name"}, nil)
	case anyMap(d) || anyMap(lv):
		w.positional(d, lv, s.Item())
	default:
		if !scalarsEqual(d, lv, s.Item()) {
			w.report(d, l)
		}
	}
}

// mapList matches each desired item with the live item that has the same key values, in any
// order. Live items no desired item matches are not drift.
func (w *walker) mapList(d, l []any, item *Schema, keys []string, defaults map[string]any) {
	for i, di := range d {
		dm := di.(map[string]any)
		w.push(frame{kind: KeyedSegment, index: i, item: dm, keys: keys, defaults: defaults})
		if j := match(dm, l, i, keys, defaults); j >= 0 {
			w.value(dm, l[j], item, levelNone)
		} else {
			w.report(dm, nil)
		}
		w.pop()
	}
}

// match returns the index of the item of l whose keys have the values of those of dm, or -1.
// It tries position i first, so lists in the same order match in linear time and duplicate
// keys pair up by position.
func match(dm map[string]any, l []any, i int, keys []string, defaults map[string]any) int {
	if i < len(l) && sameKeys(dm, l[i], keys, defaults) {
		return i
	}
	for j, li := range l {
		if j != i && sameKeys(dm, li, keys, defaults) {
			return j
		}
	}
	return -1
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
			w.value(d[i], l[i], item, levelNone)
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
