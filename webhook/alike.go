package webhook

import (
	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// The hand-edit search (check.Target.CompareRequest) reports the values that the entries of
// hand-edit managers own where Git sets nothing, or an item of a set list Git lacks, from the
// object's managedFields and the values at those paths. Two objects whose entries of hand-edit
// managers are the same, and that differ nowhere but in values Git sets (an image, replicas),
// give the same hand-edit drift: an UPDATE between them introduces none of it, whatever manager
// made it (kubectl apply of a new image to an object once edited by hand), and the drift it
// introduces is among the fields Git sets, which introducedAt looks up.

// handEditsAlike reports whether the hand-edit search finds the same drift in old as in obj,
// both decoded for hand edits (decodeForHandEdits): their managedFields entries of hand-edit
// managers are the same, in the same order, and they differ only in values Git sets whole (a
// scalar, a list Git does not match by keys but a set), not in the keys of a list's items.
//
// When e.owned, what those entries own is known (e.own): the search reads nothing but the
// values along those paths (from the first one Git does not set, whole), so only they are
// compared; a value Git sets that no entry owns anything under is left out, however it
// differs (see alikeObject). want is t's Want.
func handEditsAlike(t *check.Target, want, obj, old map[string]any, e edits) bool {
	r := restriction{on: e.owned, own: e.own}
	return alikeObject(t, want, t.Schema, obj, old, levelRoot, r)
}

// restriction says which keys of an object alikeObject compares: all of them (on false), or
// those under which own, what the hand-edit managers own at the object's place, has
// something (nil: nothing).
type restriction struct {
	on  bool
	own *ownedNode
}

// field returns the restriction of the key k of an object, and whether it is compared: the
// root's metadata and the metadata's managedFields always are, the entries being what the
// hand-edit search starts from. Below an owned key that owns no fields by name (the value
// itself, or items of a list), everything is compared.
func (r restriction) field(k string, lv level) (restriction, bool) {
	if !r.on {
		return r, true
	}
	own := r.own.field(k)
	switch {
	case lv == levelRoot && k == "metadata", lv == levelMetadata && k == "managedFields":
		return restriction{on: true, own: own}, true
	case own == nil:
		return r, false
	case !own.fields():
		return restriction{}, true
	}
	return restriction{on: true, own: own}, true
}

// alikeObject compares two objects that want, the desired value at their place, is an object
// for, as handEditsAlike says; lv tells the root and metadata, r which keys are compared.
func alikeObject(t *check.Target, want map[string]any, s *diff.Schema, a, b map[string]any, lv level, r restriction) bool {
	for k, av := range a {
		rk, compared := r.field(k, lv)
		if !compared {
			continue
		}
		if _, ok := b[k]; !ok && !gitSetsWhole(want[k], s.Field(k)) {
			return false
		}
		if lv == levelMetadata && k == "managedFields" {
			if !sameHandEditEntries(t, av, b[k]) {
				return false
			}
			continue
		}
		next := levelFields
		if lv == levelRoot && k == "metadata" {
			next = levelMetadata
		}
		if !alike(t, want[k], s.Field(k), av, b[k], next, rk) {
			return false
		}
	}
	for k := range b {
		if _, compared := r.field(k, lv); !compared {
			continue
		}
		if _, ok := a[k]; !ok && !gitSetsWhole(want[k], s.Field(k)) {
			return false
		}
	}
	return true
}

// alike compares two values at a place where the desired value is want, of schema s; r
// restricts the keys of an object compared (see restriction).
func alike(t *check.Target, want any, s *diff.Schema, a, b any, lv level, r restriction) bool {
	if gitSetsWhole(want, s) {
		return true
	}
	switch w := want.(type) {
	case map[string]any:
		am, ok := a.(map[string]any)
		bm, ok2 := b.(map[string]any)
		if ok && ok2 {
			return alikeObject(t, w, s, am, bm, lv, r)
		}
	case []any:
		if s != nil && s.ListType == diff.ListMap && len(s.Keys) > 0 && allMaps(w) {
			return alikeItems(t, w, s, a, b)
		}
	}
	return sameValue(a, b)
}

// alikeItems compares two lists that the desired list want, of schema s, matches by keys: the
// same keys at each position, and items alike as the desired item of their keys says.
func alikeItems(t *check.Target, want []any, s *diff.Schema, a, b any) bool {
	al, ok := a.([]any)
	bl, ok2 := b.([]any)
	if !ok || !ok2 || len(al) != len(bl) || !sameOrder(values{want: want, s: s, obj: al, old: bl}) {
		return sameValue(a, b)
	}
	for i := range al {
		am, isMap := al[i].(map[string]any)
		if !isMap {
			if !sameValue(al[i], bl[i]) {
				return false
			}
			continue
		}
		var item any
		switch n, j := withKeys(want, am, s.Keys, s.KeyDefaults); n {
		case 0:
		case 1:
			item = want[j]
		default:
			return false // Git repeats the keys, or they are numbers of two types
		}
		if !alike(t, item, s.Item(), al[i], bl[i], levelFields, restriction{}) {
			return false
		}
	}
	return true
}

// gitSetsWhole reports whether want, the desired value at a place, is one Compare compares
// whole and the hand-edit search never looks into: a scalar, or a list Git does not match
// by keys, but a set (whose items a hand-edit manager may own one by one).
func gitSetsWhole(want any, s *diff.Schema) bool {
	switch w := want.(type) {
	case nil, map[string]any:
		return false
	case []any:
		keyed := s != nil && s.ListType == diff.ListMap && len(s.Keys) > 0 && allMaps(w)
		return !keyed && (s == nil || s.ListType != diff.ListSet)
	}
	return true
}

// sameHandEditEntries reports whether two managedFields lists, decoded for hand edits, have the
// same entries of t's hand-edit managers, in the same order.
func sameHandEditEntries(t *check.Target, a, b any) bool {
	al, _ := a.([]any)
	bl, _ := b.([]any)
	i, j := 0, 0
	for {
		i, j = nextHandEdit(t, al, i), nextHandEdit(t, bl, j)
		if i == len(al) || j == len(bl) {
			return i == len(al) && j == len(bl)
		}
		if !sameValue(al[i], bl[j]) {
			return false
		}
		i, j = i+1, j+1
	}
}

// nextHandEdit returns the index of the first entry of l from i on that names a hand-edit
// manager of t, or len(l). An entry that is not an object counts, to be compared.
func nextHandEdit(t *check.Target, l []any, i int) int {
	for ; i < len(l); i++ {
		m, ok := l[i].(map[string]any)
		if !ok {
			return i
		}
		if name, _ := m["manager"].(string); t.HandEditManager(name) {
			return i
		}
	}
	return i
}

// gitFields returns the fields of now that the comparison with Git reports, without the hand
// edits (check.Target.CompareRequest gives those an owner, and those only), never nil.
func gitFields(now []diff.Field) []diff.Field {
	out := make([]diff.Field, 0, len(now))
	for _, f := range now {
		if f.Owner == nil {
			out = append(out, f)
		}
	}
	return out
}
