package webhook

import (
	"reflect"
	"slices"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// An UPDATE introduces the drift of its new object that its old object did not have, the same:
// introduced(Compare(new), Compare(old)). Comparing the old object with Git costs as much as
// comparing the new one, and most of a request's allocations (pkg/diff's walker). Yet each
// drifted field of the new object is either the same in the old one, a value Compare reached
// the same way, or a value it did not: that can be told by looking the field up in both
// objects. introducedAt does so, and gives up (the old object is then compared) wherever the
// lookup could part from Compare's walk: a list matched another way in the two objects, an item
// whose keys repeat, a field whose reported value is not the value at its path, hand edits, a
// Secret's masked values. TestIntroducedAt holds it to introduced(Compare(new), Compare(old))
// over pairs of edits of the benchmark's Deployment.

// introducedAt returns the fields of now, the drift of obj from t, that old does not have the
// same (as introduced does with old's comparison), and whether it could tell for every one.
// It tells by looking each field's path up in obj and old along Compare's walk of t's desired
// object (resolve): a value equal in both is drift old had, reported at the same path with the
// same live value; a value that differs, when the field's live value is the value at its path,
// is drift the change introduced.
// r holds the memory the lookups reuse; want is t's Want.
func introducedAt(t *check.Target, want map[string]any, now []diff.Field, obj, old map[string]any, r *resolver) ([]diff.Field, bool) {
	if diff.IsSecret(t.APIVersion(), t.Key.Kind) {
		return nil, false // masked values, and paths spelled as Git spells them
	}
	r.want, r.s, r.obj, r.old = want, t.Schema, obj, old
	defer r.forget()
	var out []diff.Field
	for _, f := range now {
		if f.Owner != nil || f.Added || f.Default {
			return nil, false // a hand edit: who owns the field matters too
		}
		p, ok := r.paths.read(f.Path)
		if !ok {
			return nil, false
		}
		v, ok := r.resolve(p)
		switch {
		case !ok || v.obj == nil:
			return nil, false
		case sameValue(v.obj, v.old) || sameOrder(v):
			// The same drift in old: not introduced.
		case sameValue(f.Live, v.obj):
			out = append(out, f)
		default:
			return nil, false // reported as something else than its value
		}
	}
	return out, true
}

// resolver follows paths in a request's new and old objects (obj, old) as Compare walks them
// along the desired object want, whose schema is s.
type resolver struct {
	want  map[string]any
	s     *diff.Schema
	obj   map[string]any
	old   map[string]any
	paths pathReader
}

// forget drops the resolver's references to a request's values.
func (r *resolver) forget() { r.want, r.s, r.obj, r.old = nil, nil, nil, nil }

// values are what resolve finds at a path: the desired value and its schema, and the values
// in the new and the old object (nil where there is none).
type values struct {
	want     any
	s        *diff.Schema
	obj, old any
}

// resolve returns the values at p, and whether Compare reaches p in both objects the same way:
// through maps by their keys, through lists matched by keys where the desired item's keys are
// unique in the desired list and in each live one, or compared by position in both.
func (r *resolver) resolve(p diff.Path) (values, bool) {
	v := values{want: r.want, s: r.s, obj: r.obj, old: r.old}
	for i := range p {
		seg := &p[i]
		var ok bool
		switch seg.Kind {
		case diff.FieldSegment:
			v.want, v.obj, v.old = fieldOf(v.want, seg.Name), fieldOf(v.obj, seg.Name), fieldOf(v.old, seg.Name)
			v.s, ok = v.s.Field(seg.Name), true
		case diff.KeyedSegment:
			var item any
			if item, ok = diff.Get(r.want, p[:i+1], r.s); ok {
				v.want, v.obj, v.old, ok = keyed(v.want, v.obj, v.old, v.s, item)
				v.s = v.s.Item()
			}
		case diff.IndexSegment:
			v.want, v.obj, v.old, ok = positional(v.want, v.obj, v.old, v.s, seg.Index)
			v.s = v.s.Item()
		}
		if !ok || v.obj == nil {
			return values{}, false
		}
	}
	return v, true
}

// sameOrder reports whether the values at a path are lists Compare matches by keys, whose
// items have the same keys at each position: Compare then matches them alike, and the one
// drift it reports at the list itself, an order of keys (an Ordered list's), is the same.
func sameOrder(v values) bool {
	d, _ := v.want.([]any)
	n, _ := v.obj.([]any)
	o, ok := v.old.([]any)
	if !ok || len(n) != len(o) || v.s == nil || v.s.ListType != diff.ListMap || len(v.s.Keys) == 0 || !allMaps(d) {
		return false
	}
	for i := range n {
		nm, isMap := n[i].(map[string]any)
		om, isMap2 := o[i].(map[string]any)
		if isMap != isMap2 {
			return false
		}
		for _, k := range v.s.Keys {
			a, b := keyValue(nm, k, v.s.KeyDefaults), keyValue(om, k, v.s.KeyDefaults)
			if isMap && (mixedNumbers(a, b) || !keyEqual(a, b)) {
				return false
			}
		}
	}
	return true
}

// keyed returns the items of the lists n and o (new and old) that Compare matches with the
// desired item of the desired list d, when it matches it with one at most in each, and
// nothing else with it.
func keyed(d, n, o any, s *diff.Schema, item any) (di, ni, oi any, ok bool) {
	dl, _ := d.([]any)
	nl, isList := n.([]any)
	dm, isMap := item.(map[string]any)
	if !isList || !isMap {
		return nil, nil, nil, false
	}
	ol, _ := o.([]any) // not a list: Compare reports the old list whole, no item in it
	var keys []string
	var defaults map[string]any
	switch {
	case s != nil && s.ListType == diff.ListMap && len(s.Keys) > 0 && allMaps(dl):
		keys, defaults = s.Keys, s.KeyDefaults
	case s == nil && allNamed(dl) && allNamed(nl) && allNamed(ol):
		keys = []string{"name"}
	default:
		return nil, nil, nil, false
	}
	if n, _ := withKeys(dl, dm, keys, defaults); n != 1 {
		return nil, nil, nil, false // Git repeats the keys
	}
	n, j := withKeys(nl, dm, keys, defaults)
	if n != 1 {
		return nil, nil, nil, false
	}
	ni = nl[j]
	switch n, j := withKeys(ol, dm, keys, defaults); n {
	case 0:
	case 1:
		oi = ol[j]
	default:
		return nil, nil, nil, false
	}
	return dm, ni, oi, true
}

// withKeys returns how many items of l have the keys of dm, and the index of the first; n is
// -1 when it cannot tell as Compare would (numbers of two types).
func withKeys(l []any, dm map[string]any, keys []string, defaults map[string]any) (n, first int) {
	first = -1
	for j, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			continue
		}
		same := true
		for _, k := range keys {
			a, b := keyValue(dm, k, defaults), keyValue(m, k, defaults)
			if mixedNumbers(a, b) {
				return -1, -1
			}
			if !keyEqual(a, b) {
				same = false
				break
			}
		}
		if same {
			if n++; first < 0 {
				first = j
			}
		}
	}
	return n, first
}

// mixedNumbers reports whether a and b are numbers of two Go types, which keyEqual compares
// more loosely than Compare.
func mixedNumbers(a, b any) bool {
	_, af := a.(float64)
	_, bf := b.(float64)
	_, an := asFloat(a)
	_, bn := asFloat(b)
	return an && bn && af != bf
}

// positional returns the items i of the lists n and o, and of the desired list d, when Compare
// compares both lists with d by position.
func positional(d, n, o any, s *diff.Schema, i int) (di, ni, oi any, ok bool) {
	dl, _ := d.([]any)
	nl, isList := n.([]any)
	if !isList || !byPosition(dl, nl, s) {
		return nil, nil, nil, false
	}
	if ol, isList := o.([]any); isList {
		if !byPosition(dl, ol, s) {
			return nil, nil, nil, false
		}
		oi = nth(ol, i)
	}
	return nth(dl, i), nth(nl, i), oi, true
}

// byPosition reports whether Compare matches the items of the live list l with those of the
// desired list d by position (diff's walker.list).
func byPosition(d, l []any, s *diff.Schema) bool {
	switch {
	case s != nil && s.ListType == diff.ListMap && len(s.Keys) > 0 && allMaps(d):
		return false
	case s != nil && s.ListType == diff.ListSet:
		return false
	case s == nil && allNamed(d) && allNamed(l):
		return false
	}
	return slices.ContainsFunc(d, isMap) || slices.ContainsFunc(l, isMap)
}

// nth returns l[i], or nil past its end.
func nth(l []any, i int) any {
	if i < 0 || i >= len(l) {
		return nil
	}
	return l[i]
}

// fieldOf returns the field k of v, nil when v is not an object or lacks it.
func fieldOf(v any, k string) any {
	m, _ := v.(map[string]any)
	return m[k]
}

// allNamed reports whether every item of l is an object with a string "name".
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

// sameValue reports whether a and b, values of decoded objects, are equal as reflect.DeepEqual
// tells, without its allocations for the kinds the decoder makes.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) || x == nil != (y == nil) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || x == nil != (y == nil) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return reflect.DeepEqual(a, b)
}
