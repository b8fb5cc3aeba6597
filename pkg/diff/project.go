package diff

// Project returns a new, smaller copy of live that holds what Compare reads of it when it
// compares desired with it, s the schema, and what CompareExtra reads of it at the paths of set
// (nil: none): Compare and CompareExtra give the same answers on the copy as on live. A cache
// of live objects that keeps only the copy holds only what the diff reads:
//
//   - of a map, the keys desired sets (status and the metadata the server owns never);
//   - scalars, and the values compared whole (atomic maps, set lists, lists of scalars, values
//     of another type than desired's), as they are;
//   - of a list matched by key, every item at its place: those desired matches, by the same
//     rules; the items whose keys a desired item repeats, whole; the others, their key fields
//     only (what matching reads of them);
//   - of a list matched by position, desired's items by the same rules and live's others whole;
//   - of a Secret's data, the keys desired sets;
//   - where desired stops on the way to the paths of set (see CompareExtra), live's value
//     whole, or, for a map with arbitrary keys (labels, a ConfigMap's or Secret's data) that
//     is not itself in set, its keys in set whole.
//
// The copy shares nothing with live, so it may be changed. Identity and bookkeeping (a
// resourceVersion, managedFields) are the caller's to add: Compare reads none of them.
func Project(desired, live map[string]any, s *Schema, set *PathSet) map[string]any {
	if live == nil {
		return nil
	}
	p := &projector{secret: isSecretObject(desired)}
	out := p.object(desired, live, s, levelRoot)
	if root := set.top(); root != nil {
		w := newWalker(desired, Options{Schema: s})
		w.set = set
		w.owned(desired, live, s, root)
		for i := range w.extras {
			keepExtra(out, set, &w.extras[i], s)
		}
	}
	return out
}

// projector copies what the walker reads, following its rules.
type projector struct {
	secret bool
	atomic bool // inside a value the schema marks atomic
}

// object keeps the fields of l that d sets, each projected; see walker.object.
func (p *projector) object(d, l map[string]any, s *Schema, lv level) map[string]any {
	out := make(map[string]any, len(d))
	for k, dv := range d {
		lk, ok := l[k]
		if !ok || lk == nil || dv == nil || skipField(lv, k) {
			continue // Compare reads nothing, or nothing but "absent"
		}
		if lv == levelRoot && p.secret && (k == "data" || k == "stringData") {
			out[k] = secretData(dv, lk)
			continue
		}
		next := levelNone
		if lv == levelRoot && k == "metadata" {
			next = levelMetadata
		}
		out[k] = p.value(dv, lk, s.Field(k), next)
	}
	return out
}

// value projects l, which is not nil, against the desired value d; see walker.value.
func (p *projector) value(d, l any, s *Schema, lv level) any {
	switch dv := d.(type) {
	case nil:
		// Compare reads nothing of l; keep it, so that a list keeps the kinds of its items.
		return copyValue(l)
	case map[string]any:
		lm, ok := l.(map[string]any)
		atomic := p.atomic || s != nil && s.Atomic
		if !ok || atomic && s != nil && s.Fields == nil {
			return copyValue(l)
		}
		outer := p.atomic
		p.atomic = atomic
		out := p.object(dv, lm, s, lv)
		p.atomic = outer
		return out
	case []any:
		ll, ok := l.([]any)
		if !ok {
			return copyValue(l)
		}
		return p.list(dv, ll, s)
	}
	return copyValue(l)
}

// list projects the live list l against the desired list d; see walker.list.
func (p *projector) list(d, l []any, s *Schema) []any {
	switch how, keys, defaults := matching(d, l, s); how {
	case byKeys:
		return p.mapList(d, l, s, keys, defaults)
	case byPosition:
		out := make([]any, len(l))
		for i := range l {
			switch {
			case l[i] == nil:
			case i < len(d):
				out[i] = p.value(d[i], l[i], s.Item(), levelNone)
			default:
				out[i] = copyValue(l[i])
			}
		}
		return out
	}
	return copyValue(l).([]any)
}

// mapList keeps every item of l at its place: the one each desired item matches projected
// against it, those whose keys a desired item repeats whole, the others as their keys.
func (p *projector) mapList(d, l []any, s *Schema, keys []string, defaults map[string]any) []any {
	w := newWalker(nil, Options{})
	m := w.matchItems(d, l, keys, defaults)
	out := make([]any, len(l))
	done := make([]bool, len(l))
	for i, di := range d {
		if m.extra == nil || !m.extra[i] {
			continue
		}
		for j, li := range l {
			if sameKeys(di.(map[string]any), li, keys, defaults) {
				out[j], done[j] = copyValue(li), true
			}
		}
	}
	for i, j := range m.live {
		if j >= 0 && !done[j] {
			out[j], done[j] = p.value(d[i], l[j], s.Item(), levelNone), true
		}
	}
	for j, li := range l {
		if !done[j] {
			out[j] = keyFields(li, keys)
		}
	}
	return out
}

// keyFields returns the key fields of a list-map item, all that matching reads of an item no
// desired item matches; anything but a map is returned as it is.
func keyFields(item any, keys []string) any {
	m, ok := item.(map[string]any)
	if !ok {
		return item
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := m[k]; ok && v != nil {
			out[k] = copyValue(v)
		}
	}
	return out
}

// secretData keeps of a Secret's live data (or stringData) the keys desired sets; see
// walker.secretData.
func secretData(d, l any) any {
	dm, ok := d.(map[string]any)
	if !ok {
		return copyValue(l)
	}
	lm, _ := l.(map[string]any)
	out := make(map[string]any, len(dm))
	for k := range dm {
		if v, ok := lm[k]; ok {
			out[k] = copyValue(v)
		}
	}
	return out
}

// keepExtra puts into out, a projection, the live value of e, found where desired stops on
// the way to the paths of a set.
func keepExtra(out map[string]any, set *PathSet, e *Extra, s *Schema) {
	if !e.InLive || e.Items && e.Live == nil || len(e.node.path) == 0 {
		return // nothing there; or only a list's value matters, and nil is as good as none
	}
	n := e.node
	if lm, ok := e.Live.(map[string]any); ok && !e.Items && !n.leaf() && n.items == 0 {
		if ks := s.At(n.path); ks == nil || len(ks.Fields) == 0 { // a map with arbitrary keys
			for i := n.fields; i != 0; i = set.nodes[i].next {
				c := &set.nodes[i]
				if v, ok := lm[c.seg().Name]; ok {
					_ = Set(out, c.path, s, copyValue(v))
				}
			}
			return
		}
	}
	// out has every list item of live at its place, each with its key values, so Set finds
	// the same items as Get does in live; it only fails where out has another value in the way,
	// which never happens.
	_ = Set(out, n.path, s, copyValue(e.Live))
}

// copyValue returns a deep copy of a JSON-like value.
func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = copyValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = copyValue(e)
		}
		return l
	}
	return v
}
