package webhook

import (
	"slices"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// What the decoder keeps of an object follows what pkg/diff's Compare reads of it, rule for
// rule (its walker in compare.go and list.go): Compare walks the desired object, and reads of
// the live one only the values at the desired keys, whole where the schema says a value
// compares whole. The decoder builds those and skips the rest. TestDecodePrunedCompares and
// FuzzDecodeObject hold Compare on the pruned decode to Compare on the whole one.

// level says which keys of an object the decoder keeps.
type level uint8

const (
	// levelFull keeps every key.
	levelFull level = iota
	// levelRoot: the object itself, pruned to what Compare reads.
	levelRoot
	// levelMetadata: its metadata.
	levelMetadata
	// levelFields: any other object Compare walks field by field: the desired keys.
	levelFields
	// levelAnnotations: the metadata's annotations, which are levelFields but that the
	// hand-edit search never reads kubectl's last-applied annotation.
	levelAnnotations
	// levelEditsRoot: the object itself, pruned to what Compare and the hand-edit search read.
	levelEditsRoot
	// levelEditsMetadata: its metadata.
	levelEditsMetadata
	// levelEditsAnnotations: its annotations.
	levelEditsAnnotations
	// levelManagedFields: the managedFields list, whose entries are at levelManagedEntry.
	levelManagedFields
	// levelManagedEntry: a managedFields entry, whose fieldsV1 is kept as JSON text.
	levelManagedEntry
)

// at is a place in the object being decoded: the desired value there, which Compare walks,
// its schema, and which of its keys the decoder keeps (lv). Where it keeps everything, want
// still serves to share the desired value where the live one equals it.
type at struct {
	want   any          // the desired value at this place, or nil
	s      *diff.Schema // its schema, or nil: nothing known
	lv     level
	atomic bool // inside a value the schema marks atomic, as Compare tracks it
	// list is the schema of the keyed list of an item, whose key fields the decoder keeps
	// whatever the desired item has; nil elsewhere.
	list *diff.Schema
	// own is what hand-edit managers own at this place, which the decoder keeps as well
	// (see ownedTree); nil: nothing.
	own *ownedNode
}

// pruned reports whether the decoder keeps only what Compare reads at a.
func (a at) pruned() bool { return a.lv-levelRoot <= levelAnnotations-levelRoot } // levelRoot to levelAnnotations

// object returns the place of an object found at a: Compare walks it by the desired keys when
// the desired value is an object too, and the schema does not make it one value (an atomic
// map: then it compares whole, a key only live has included).
func (a at) object() at {
	if !a.pruned() {
		return a
	}
	if _, ok := a.want.(map[string]any); !ok {
		return at{want: a.want, lv: levelFull} // compared whole with a value of another kind
	}
	a.atomic = a.atomic || a.s != nil && a.s.Atomic
	if a.atomic && a.s != nil && a.s.Fields == nil {
		return at{want: a.want, lv: levelFull}
	}
	return a
}

// child returns the place of the key k of an object at a, and whether the decoder keeps it.
// Compare reads a key the desired object sets, except what diff.NeverCompared names (the
// status, the metadata the server owns); at the root it reads a Secret's data and stringData
// whole, by their plaintext, and data even where Git sets only stringData. The hand-edit search
// reads any field but those and kubectl's last-applied annotation, and the managedFields; with
// an ownedTree (a.own), only those its managers own: where Git stops on the way to one, the
// value whole.
func (a at) child(k string) (at, bool) {
	want, _ := a.want.(map[string]any)
	dv := want[k]
	switch a.lv {
	case levelFull, levelManagedFields:
		return at{want: dv, lv: levelFull}, true
	case levelManagedEntry:
		return managedEntryChild(k)
	case levelEditsRoot:
		if k == "metadata" {
			return at{want: dv, lv: levelEditsMetadata}, true
		}
		return at{want: dv, lv: levelFull}, !neverCompared(levelRoot, k)
	case levelEditsMetadata:
		switch k {
		case "managedFields":
			return at{lv: levelManagedFields}, true
		case "annotations":
			return at{want: dv, lv: levelEditsAnnotations}, true
		}
		return at{want: dv, lv: levelFull}, !neverCompared(levelMetadata, k)
	case levelEditsAnnotations:
		return at{want: dv, lv: levelFull}, !diff.IsLastApplied(diff.Path{field("metadata"), field("annotations"), field(k)})
	}
	switch {
	case neverCompared(a.lv, k):
		return at{}, false
	case a.list != nil && slices.Contains(a.list.Keys, k):
		return at{want: dv, lv: levelFull}, true
	case a.lv == levelRoot && (k == "data" || k == "stringData"):
		return at{want: dv, lv: levelFull}, dv != nil || k == "data"
	case dv == nil && a.own == nil:
		return at{}, false // not set in Git, or null: Compare reads nothing
	case dv == nil:
		return a.ownedChild(k) // what the hand-edit search reads
	case a.lv == levelRoot && k == "metadata":
		return at{want: dv, s: a.s.Field(k), lv: levelMetadata, own: a.own.field(k)}, true
	case a.lv == levelMetadata && k == "annotations":
		return at{want: dv, s: a.s.Field(k), lv: levelAnnotations, atomic: a.atomic, own: a.own.field(k)}, true
	}
	return at{want: dv, s: a.s.Field(k), lv: levelFields, atomic: a.atomic, own: a.own.field(k)}, true
}

// ownedChild returns the place of the key k, which Git does not set, of an object at a, and
// whether the hand-edit search reads it: when a hand-edit manager owns it or something under
// it, whole, but kubectl's last-applied annotation (which kubectl edit rewrites) and, in the
// annotations, that annotation.
func (a at) ownedChild(k string) (at, bool) {
	own := a.own.field(k)
	switch {
	case own == nil:
		return at{}, false
	case a.lv == levelAnnotations:
		return at{lv: levelFull}, !diff.IsLastApplied(diff.Path{field("metadata"), field("annotations"), field(k)})
	case a.lv == levelMetadata && k == "annotations":
		return at{lv: levelEditsAnnotations}, true
	}
	return at{lv: levelFull}, true
}

// managedEntryChild returns the place of the key k of a managedFields entry, and whether the
// decoder keeps it: what pkg/ownership reads of an entry (manager, operation, subresource,
// time, fieldsV1), not its apiVersion nor fieldsType. An operation is most often Update: the
// value the decoder then shares rather than boxes anew.
func managedEntryChild(k string) (at, bool) {
	switch k {
	case "apiVersion", "fieldsType":
		return at{}, false
	case "operation":
		return at{want: operationUpdate, lv: levelFull}, true
	}
	return at{lv: levelFull}, true
}

// operationUpdate is a managedFields entry's operation Update.
const operationUpdate = "Update"

// How Compare matches the items of a list (diff's walker.list), as far as the decoder can
// tell before it reads the list.
type listMode uint8

const (
	// listWhole: Compare reads the items whole (a set, scalars, or nothing is known), or the
	// list is not pruned.
	listWhole listMode = iota
	// listKeyed: by the values of the schema's key fields.
	listKeyed
	// listPositional: item by item, by position.
	listPositional
)

// mode returns how Compare matches the items of a list found at a.
func (a at) mode() listMode {
	d, ok := a.want.([]any)
	switch {
	case !a.pruned() || !ok || a.s == nil:
		// With no schema, Compare matches by name only when every live item has one: the
		// decoder cannot tell before it has read them all.
		return listWhole
	case a.s.ListType == diff.ListMap && len(a.s.Keys) > 0 && allMaps(d):
		return listKeyed
	case a.s.ListType == diff.ListSet:
		return listWhole
	case slices.ContainsFunc(d, isMap):
		return listPositional
	}
	return listWhole
}

// item returns the place of the item i of a list at a compared by position.
func (a at) item(i int) at {
	d, _ := a.want.([]any)
	if i >= len(d) {
		return at{lv: a.lv.whole()} // an item only live has is reported whole
	}
	if !a.pruned() {
		return at{want: d[i], lv: a.lv.whole()}
	}
	return at{want: d[i], s: a.s.Item(), lv: levelFields, atomic: a.atomic}
}

// whole returns the level of the items of a list read whole at level lv.
func (lv level) whole() level {
	if lv == levelManagedFields {
		return levelManagedEntry
	}
	return levelFull
}

// listItems reads the items of a list whose '[' was read onto d.items, each at its place (see
// mode). It reports whether the list must be read again, whole (see keyedItems).
func (d *decoder) listItems(a at) (whole bool, err error) {
	mode := a.mode()
	if mode == listKeyed && (!a.own.listItems() || a.own.keyedBy(a.s.Keys)) {
		return d.keyedItems(a)
	}
	// Items a hand-edit manager owns in a list matched otherwise: all of them, whole.
	flat := (mode == listWhole || a.own.listItems()) && a.pruned()
	for i := 0; d.dec.PeekKind() != ']'; i++ {
		place := a.item(i)
		if flat {
			place.s, place.lv = nil, levelFull
		}
		v, err := d.value(place)
		if err != nil {
			return false, err
		}
		d.items = append(d.items, v)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return false, d.syntax(err)
	}
	return false, nil
}

// keyedItems reads the items of a list Compare matches by keys (diff's walker.mapList): it
// compares each desired item with the one live item of the same key values, and reads of the
// live items no desired item has only their keys. A live item that matches one desired item is
// decoded pruned by it; one that matches none, as its key fields; one that matches several,
// whole. When a desired item matches several live items, Compare reports them whole (as
// duplicates): the list is then read again, whole (whole is true).
func (d *decoder) keyedItems(a at) (whole bool, err error) {
	desired := a.want.([]any)
	first := len(d.counts)
	for range desired {
		d.counts = append(d.counts, 0)
	}
	counts := d.counts[first:]
	for d.dec.PeekKind() != ']' {
		var v any
		if d.dec.PeekKind() == '{' {
			v, err = d.keyedItem(a, desired, counts)
		} else {
			v, err = d.value(at{lv: levelFull}) // never matches a desired item
		}
		if err != nil {
			break
		}
		d.items = append(d.items, v)
	}
	if err == nil {
		if _, err = d.dec.ReadToken(); err != nil {
			err = d.syntax(err)
		}
	}
	whole = slices.ContainsFunc(counts, func(n int) bool { return n > 1 })
	d.counts = d.counts[:first]
	return whole, err
}

// pendingField is a field of a keyed list's item read before the item's keys: its value is
// src[start:end], decoded once the desired item it matches is known.
type pendingField struct {
	key        string
	start, end int
}

// keyedItem reads an item of a list at a matched by keys, whose desired items are desired; it
// counts in counts the live items each desired item matches. Which desired item it matches is
// known once its key fields are read; the fields before them (none when the first is the only
// key, as the API server writes a container or an env variable) are checked and set aside, and
// decoded then.
func (d *decoder) keyedItem(a at, desired []any, counts []int) (any, error) {
	if _, err := d.open(); err != nil {
		return nil, err
	}
	m := d.mem.newMap()
	keys := a.s.Keys
	first := len(d.pending)
	defer func() { d.pending = d.pending[:first] }()
	var place at
	decided := false
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		switch {
		case decided:
			err = d.field(m, place, k)
		case slices.Contains(keys, k):
			if m[k], err = d.keyField(desired, k); err == nil && hasKeys(m, keys) {
				place, decided = a.matched(m, desired, counts), true
				err = d.pendingFields(m, place, first)
			}
		default:
			var v []byte
			if v, err = d.span(); err == nil {
				end := int(d.dec.InputOffset())
				d.pending = append(d.pending, pendingField{key: k, start: end - len(v), end: end})
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, d.syntax(err)
	}
	if !decided { // a key is left out: its default counts
		if err := d.pendingFields(m, a.matched(m, desired, counts), first); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// matched returns the place of the item m of a list at a matched by keys, whose keys are read,
// and counts its matches with the desired items in counts: pruned by the desired item it
// matches; its keys alone if it matches none; whole if it matches several.
//
// An item a hand-edit manager owns something of is pruned by what it owns too; whole if it
// matches no desired item, or several of the owned items.
func (a at) matched(m map[string]any, desired []any, counts []int) at {
	var place at
	switch n, i := matches(m, a.s, desired, counts); n {
	case 0:
		place = a.itemAt(desired, -1)
	case 1:
		place = a.itemAt(desired, i)
	default:
		return at{want: desired[i], lv: levelFull}
	}
	if !a.own.listItems() {
		return place
	}
	switch own, n := a.own.item(m, a.s.KeyDefaults); {
	case n > 1 || n == 1 && place.want == nil:
		return at{want: place.want, lv: levelFull}
	case n == 1 && place.pruned():
		place.own = own
	}
	return place
}

// pendingFields decodes into m the fields set aside from d.pending[first:], at the item's place.
func (d *decoder) pendingFields(m map[string]any, place at, first int) error {
	for _, f := range d.pending[first:] {
		next, ok := place.child(f.key)
		if !ok {
			continue
		}
		v, err := d.redoSpan(f.start, f.end, next)
		if err != nil {
			return err
		}
		m[f.key] = v
	}
	d.pending = d.pending[:first]
	return nil
}

// keyField reads the value of the key field k of a keyed list's item: the value of a desired
// item when it is equal, as value does for the one desired value it knows.
func (d *decoder) keyField(desired []any, k string) (any, error) {
	switch d.dec.PeekKind() {
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		for _, item := range desired {
			if w, ok := item.(map[string]any)[k].(string); ok && w == s {
				return item.(map[string]any)[k], nil
			}
		}
		return s, nil
	case '0':
		var want any
		for _, item := range desired {
			if w := item.(map[string]any)[k]; w != nil {
				want = w
				break
			}
		}
		return d.number(want)
	}
	return d.value(at{lv: levelFull})
}

// hasKeys reports whether m has every one of keys.
func hasKeys(m map[string]any, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// itemAt is the place of an item of a list at a matched by keys with the desired item i of
// desired; with i -1, matched with none, its keys alone.
func (a at) itemAt(desired []any, i int) at {
	place := at{s: a.s.Item(), lv: levelFields, atomic: a.atomic, list: a.s}
	if i < 0 {
		return place // no desired value: only the keys are kept
	}
	place.want = desired[i]
	return place.object()
}

// matches returns how many of the desired items match the live item m by the keys of the
// list's schema s, and the first; it counts the match of each in counts. A key an item omits
// takes its default. Values compare as diff's scalarEqual does (numbers by value), or more
// loosely, never more strictly.
func matches(m map[string]any, s *diff.Schema, desired []any, counts []int) (n, first int) {
	first = -1
	for i, item := range desired {
		dm := item.(map[string]any)
		if !slices.ContainsFunc(s.Keys, func(k string) bool {
			return !keyEqual(keyValue(dm, k, s.KeyDefaults), keyValue(m, k, s.KeyDefaults))
		}) {
			if n++; first < 0 {
				first = i
			}
			counts[i]++
		}
	}
	return n, first
}

// keyValue returns the key field k of a list-map item, or its default when the item omits it
// (diff's keyValue).
func keyValue(item map[string]any, k string, defaults map[string]any) any {
	if v, ok := item[k]; ok && v != nil {
		return v
	}
	return defaults[k]
}

// keyEqual compares two key values: strings and booleans as they are, numbers by value (as
// float64: possibly equal when they are not, never the reverse), nothing else equal but nil
// with nil.
func keyEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	x, ok := asFloat(a)
	y, ok2 := asFloat(b)
	return ok && ok2 && x == y
}

// asFloat returns a number of an object (int64 or float64, as decoded; other kinds as
// normalisation may leave them) as a float64.
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	}
	return 0, false
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

func allMaps(l []any) bool { return !slices.ContainsFunc(l, func(v any) bool { return !isMap(v) }) }
