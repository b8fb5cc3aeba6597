package diff

import (
	"encoding/json"
	"maps"
	"strconv"
	"strings"
)

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
// The copy shares nothing with live. Where a map or list of it equals desired's at its place
// (a map field; same Go types and values, deep), as it does wherever live has not drifted, or
// a list item equals its desired item, the copy holds a mark instead: a cache of projections
// of live objects that match Git holds little more than their identities, and nothing of
// Git's. Inside a list item that differs from its desired item, equal parts are desired's own
// rather than marked. Resolve the copy against an equal desired before comparing (Resolve);
// Compare and CompareExtra answer on the resolved copy as on live. Neither desired nor the copy
// may be changed, but for the copy's root map and its metadata map, which are always its own:
// identity and bookkeeping (a resourceVersion, managedFields) are the caller's to add there;
// Compare reads none of them.
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
			keepExtra(out, live, set, &w.extras[i], s)
		}
	}
	for k, v := range out {
		if k == "metadata" {
			if m, ok := v.(map[string]any); ok {
				dm, _ := desired[k].(map[string]any)
				shareFields(m, dm, s.Field(k), true)
			}
			continue
		}
		out[k], _ = shareEqual(v, desired[k], s.Field(k), true)
	}
	return out
}

// The marks of Project. A mark is a json.Number that is not a number: no object decoded
// from JSON holds one (decoders give int64 and float64), and apimachinery's DeepCopyJSON
// copies it as it copies any JSON value, so a cache may copy a projection.
const (
	// sameMark stands for the part of desired at its place: a map or list equal to it.
	sameMark json.Number = "same"
	// sameItemPrefix, then an index, stands in a list for the item of desired's list at that
	// index (the one whose keys are the live item's, in a list matched by key).
	sameItemPrefix = "same:"
)

// sameItem returns the mark of desired's item numbered i.
func sameItem(i int) json.Number { return json.Number(sameItemPrefix + strconv.Itoa(i)) }

// isSame reports whether v is the mark of the part of desired at its place.
func isSame(v any) bool {
	n, ok := v.(json.Number)
	return ok && n == sameMark
}

// sameItemIndex returns the index of desired's item that v marks, and whether v is such a mark.
func sameItemIndex(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	s, ok := strings.CutPrefix(string(n), sameItemPrefix)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0
}

// shareEqual returns d when v, a part of a projection, equals it (deep, same Go types), and
// whether it did; v otherwise, with each of its parts that equals the part of d at the same
// place (a list item: the desired item of the same keys) replaced by d's. v is the
// projection's own (Project built it), so it may be changed; s is d's schema.
//
// With mark, an equal map or list is marked rather than d, and so is an equal list item (see
// Project); inside an item that is not equal, parts are shared, not marked.
func shareEqual(v, d any, s *Schema, mark bool) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		dm, ok := d.(map[string]any)
		if !ok || dm == nil {
			return v, false
		}
		if shareFields(x, dm, s, mark) && len(x) == len(dm) {
			return sameAs(d, mark), true
		}
		return v, false
	case []any:
		dl, ok := d.([]any)
		if !ok || dl == nil {
			return v, false
		}
		if shareItems(x, dl, s, mark) {
			return sameAs(d, mark), true
		}
		return v, false
	case string, bool, int64, float64:
		// Scalars of the same type and value: d's boxed string is shared. Other types (a
		// JSON-like tree has none) are never shared: they may not be comparable.
		if v == d {
			return d, true
		}
	}
	return v, false
}

// sameAs returns d, or the mark that stands for it with mark.
func sameAs(d any, mark bool) any {
	if mark {
		return sameMark
	}
	return d
}

// shareFields replaces each field of m that equals d's field of the same name by d's (or
// Same, with mark), and reports whether every field of m did (d may have others).
func shareFields(m, d map[string]any, s *Schema, mark bool) bool {
	all := true
	for k, v := range m {
		dv, ok := d[k]
		if !ok {
			all = false
			continue
		}
		var same bool
		if m[k], same = shareEqual(v, dv, s.Field(k), mark); !same {
			all = false
		}
	}
	return all
}

// shareItems replaces each item of l that equals its desired item in d by it: in a list
// matched by keys, the item of d with the same keys (live may order its items otherwise, or
// have more), else the item at the same place. It reports whether l equals d.
//
// With mark, an item equal to its desired item becomes its mark, and the parts of one that is
// not are shared, not marked.
func shareItems(l, d []any, s *Schema, mark bool) bool {
	how, keys, defaults := matching(d, l, s)
	all := len(l) == len(d)
	for i, item := range l {
		di := -1
		switch {
		case how == byKeys:
			for j, dv := range d {
				if sameKeys(dv.(map[string]any), item, keys, defaults) {
					di = j
					break
				}
			}
		case i < len(d):
			di = i
		}
		if di < 0 {
			all = false
			continue
		}
		shared, same := shareEqual(item, d[di], s.Item(), false)
		switch {
		case !same:
			l[i], all = shared, false
			continue
		case mark:
			l[i] = sameItem(di)
		default:
			l[i] = shared
		}
		if di != i {
			all = false
		}
	}
	return all
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
				out[i] = namedItem(p.value(d[i], l[i], s.Item(), levelNone), l, i, s)
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

// namedItem adds to v, the projection of l's item i in a list matched by position, the fields
// that name the item in paths (see ItemSegment) where desired leaves them out: Set then finds
// the item in the projection where Get finds it in l.
func namedItem(v any, l []any, i int, s *Schema) any {
	out, ok := v.(map[string]any)
	item, isMap := l[i].(map[string]any)
	if !ok || !isMap {
		return v
	}
	keys, _ := namingKeys(l, s)
	for _, k := range keys {
		if kv, ok := item[k]; ok && kv != nil {
			if _, has := out[k]; !has {
				out[k] = copyValue(kv)
			}
		}
	}
	return v
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
func keepExtra(out, live map[string]any, set *PathSet, e *Extra, s *Schema) {
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
	// the same items as Get does in live. Where it cannot (a list item named by its position
	// in a list out lacks: live's item had none of its keys), the nearest value on the way
	// that live has and Set can place is kept whole instead.
	for end := len(n.path); end > 0; end-- {
		v := e.Live
		if end < len(n.path) {
			var ok bool
			if v, ok = Get(live, n.path[:end], s); !ok {
				continue
			}
		}
		if Set(out, n.path[:end], s, copyValue(v)) == nil {
			return
		}
	}
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

// Resolve returns p, a copy made by Project against desired, with each mark replaced
// by the part of desired it stands for, shared: what Compare and CompareExtra read as they
// would read live. p itself when it holds no mark; otherwise a new root, and new maps
// and lists where marks were, the rest shared with p. desired must be (equal to) the one p
// was made against.
func Resolve(p, desired map[string]any) map[string]any {
	out, _ := resolve(p, desired)
	m, _ := out.(map[string]any)
	return m
}

// resolve returns v with its marks replaced by the parts of d, and whether it had any.
func resolve(v, d any) (any, bool) {
	if isSame(v) {
		return d, true
	}
	switch x := v.(type) {
	case map[string]any:
		dm, _ := d.(map[string]any)
		var out map[string]any
		for k, e := range x {
			r, ok := resolve(e, dm[k])
			if !ok {
				continue
			}
			if out == nil {
				out = maps.Clone(x)
			}
			out[k] = r
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		dl, _ := d.([]any)
		var out []any
		for i, e := range x {
			j, ok := sameItemIndex(e)
			if !ok || j >= len(dl) {
				continue
			}
			if out == nil {
				out = append([]any(nil), x...)
			}
			out[i] = dl[j]
		}
		if out == nil {
			return v, false
		}
		return out, true
	}
	return v, false
}
