package diff

import (
	"reflect"
	"slices"
)

// Options configure Compare.
type Options struct {
	// Schema is the schema of the object's kind: which lists are maps, by which keys, and which
	// values are quantities. Defaults to nil: nothing known, so maps compare field by field,
	// lists of objects whose items all have a name match by name, and other lists by position.
	Schema *Schema
	// Ignore lists path patterns: drift at or under any of them is dropped (see Path.Covers).
	// Defaults to none.
	Ignore []Path
	// SecretKey is the key of the keyed hash that stands for Secret values (see Redact):
	// random, secret, and the same for every Compare whose results are shown together.
	// Defaults to nil: Secret values show as Redacted, without a hash.
	SecretKey []byte
}

// Compare reports how live drifts from desired, one Field per drifted value; see the package
// documentation for the rules. Fields come in walk order: map keys in sorted order, list items
// in desired order (then, for lists compared by position, the live-only items). The order is
// deterministic. Compare returns nil when there is no drift.
//
// Compare renders a path only for drift, so a diff without drift costs one allocation.
func Compare(desired, live map[string]any, opts Options) []Field {
	w := newWalker(desired, opts)
	w.object(desired, live, opts.Schema, levelRoot, nil)
	return w.out
}

// newWalker returns the walker of one comparison of desired. The walker escapes (its stacks
// point into it): one allocation per comparison.
func newWalker(desired map[string]any, opts Options) *walker {
	w := &walker{ignore: opts.Ignore, secret: isSecretObject(desired), key: opts.SecretKey}
	w.frames = w.frameBuf[:0]
	w.keys = w.keyBuf[:0]
	w.ints = w.intBuf[:0]
	return w
}

// level tells the walker where a map sits, for the fields it never compares.
type level uint8

const (
	levelNone level = iota
	levelRoot
	levelMetadata
)

// walker holds the state of one Compare: the path to the current value as a stack of frames,
// rendered only when a Field is reported, and a stack of sorted map keys.
type walker struct {
	ignore   []Path
	secret   bool
	key      []byte
	atomic   bool // inside a value the schema marks atomic
	frames   []frame
	keys     []string
	ints     []int
	out      []Field
	set      *PathSet // CompareExtra's paths
	extras   []Extra  // and what it found on the way to them
	frameBuf [16]frame
	keyBuf   [48]string
	intBuf   [32]int
	idBuf    [8]int // the ids of CompareExtra's extras, when few
}

// frame is one path segment as the walker sees it. A keyed item keeps its desired item, keys
// and key defaults, so the key values are formatted only when a path is rendered.
type frame struct {
	kind     SegmentKind
	name     string
	index    int
	item     map[string]any
	keys     []string
	defaults map[string]any
}

func (w *walker) push(f frame) { w.frames = append(w.frames, f) }
func (w *walker) pop()         { w.frames = w.frames[:len(w.frames)-1] }

// sortKeys pushes the keys of m on the key stack, sorted, and returns where they start and
// end. Release them with w.keys = w.keys[:start] when done.
func (w *walker) sortKeys(m map[string]any) (start, end int) {
	start = len(w.keys)
	for k := range m {
		w.keys = append(w.keys, k)
	}
	end = len(w.keys)
	slices.Sort(w.keys[start:end])
	return start, end
}

// object compares each field of d with the one of l. l may be nil. n, when not nil, is the
// node of CompareExtra's set at this map: its paths are followed too (see owned).
func (w *walker) object(d, l map[string]any, s *Schema, lv level, n *pathNode) {
	start, end := w.sortKeys(d)
	for i := start; i < end; i++ {
		k := w.keys[i]
		c := w.set.field(n, k)
		if skipField(lv, k) {
			if c != nil {
				w.owned(d[k], l[k], s.Field(k), c)
			}
			continue
		}
		w.push(frame{kind: FieldSegment, name: k})
		if lv == levelRoot && w.secret && (k == "data" || k == "stringData") {
			w.secretData(k, d[k], l[k])
			if c != nil {
				w.owned(d[k], l[k], s.Field(k), c)
			}
		} else {
			next := levelNone
			if lv == levelRoot && k == "metadata" {
				next = levelMetadata
			}
			w.value(d[k], l[k], s.Field(k), next, c)
		}
		w.pop()
	}
	w.keys = w.keys[:start]
	if n != nil {
		w.absent(d, l, s, n)
	}
}

// absent records the extras of the map keys under n that d, a map, lacks, and follows the
// list items under n (none, unless the set says the map is a list).
func (w *walker) absent(d, l map[string]any, s *Schema, n *pathNode) {
	for i := n.fields; i != 0; i = w.set.nodes[i].next {
		c := &w.set.nodes[i]
		if _, ok := d[c.seg().Name]; !ok {
			lv, inLive := l[c.seg().Name]
			w.addExtra(c, lv, inLive)
		}
	}
	w.ownedItems(d, l, s, n)
	w.ownedValues(d, l, n)
}

// skipField reports whether the field k of a map at level lv is never compared: status and
// the metadata the server owns.
func skipField(lv level, k string) bool {
	switch lv {
	case levelRoot:
		return k == "status"
	case levelMetadata:
		return IsServerMetadata(k)
	}
	return false
}

// IsServerMetadata reports whether k, a field of an object's metadata, is one the API server
// owns: it sets them itself and ignores what a client sends (resourceVersion, uid,
// generation, creationTimestamp, managedFields, selfLink, deletionTimestamp,
// deletionGracePeriodSeconds). Compare never compares them; a write of Git's object leaves
// them out.
func IsServerMetadata(k string) bool {
	switch k {
	case "resourceVersion", "uid", "generation", "creationTimestamp", "managedFields", "selfLink",
		"deletionTimestamp", "deletionGracePeriodSeconds":
		return true
	}
	return false
}

// value compares a desired value with the live one at the current path. Comparison is
// strict: a desired false, 0, "" or {} that live lacks is drift. The desired object is expected
// in the form the API server stores it (see the package documentation), which has already lost
// the zero values the server drops.
//
// n, when not nil, is the node of CompareExtra's set at this value: maps pass it on to their
// fields, and every other value follows its paths from here (see owned).
func (w *walker) value(d, l any, s *Schema, lv level, n *pathNode) {
	if n == nil && identical(d, l) {
		// The same map or list (a projection holds desired's own parts where live equals
		// them): nothing differs, and no path of the set lies below.
		return
	}
	switch dv := d.(type) {
	case nil:
		// A desired null means "absent": there is nothing to compare.
	case map[string]any:
		w.mapValue(dv, l, s, lv, n)
		return
	case []any:
		w.list(dv, l, s)
	default:
		if !valueEqual(d, l, s) {
			w.report(d, l)
		}
	}
	if n != nil {
		w.owned(d, l, s, n)
	}
}

// mapValue compares a desired object or map with the live value. Inside an atomic value, maps
// compare whole (a key only live has is drift); structs still compare field by field over the
// fields desired sets, since the server may have defaulted the others.
func (w *walker) mapValue(d map[string]any, l any, s *Schema, lv level, n *pathNode) {
	lm, ok := l.(map[string]any)
	atomic := w.atomic || s != nil && s.Atomic
	switch {
	case !ok && l != nil:
		w.report(d, l)
	case atomic && s != nil && s.Fields == nil:
		if !deepEqual(d, lm, s) {
			w.report(d, l)
		}
	case l == nil && len(d) == 0:
		// An empty object that Git sets (emptyDir: {}) and live lacks.
		w.report(d, l)
	default:
		outer := w.atomic
		w.atomic = atomic
		w.object(d, lm, s, lv, n)
		w.atomic = outer
		return
	}
	if n != nil {
		w.owned(d, l, s, n)
	}
}

// report records drift at the current path, unless an ignore pattern covers it.
func (w *walker) report(d, l any) {
	p := w.path()
	for _, ig := range w.ignore {
		if ig.Covers(p) {
			return
		}
	}
	if w.secret {
		d, l = scrubMetadata(w.key, p, d), scrubMetadata(w.key, p, l)
	}
	w.out = append(w.out, Field{Path: p.String(), Desired: d, Live: l})
}

// path renders the frame stack as a Path.
func (w *walker) path() Path {
	p := make(Path, len(w.frames))
	for i := range w.frames {
		p[i] = w.frames[i].segment()
	}
	return p
}

func (f *frame) segment() Segment {
	if f.kind != KeyedSegment {
		return Segment{Kind: f.kind, Name: f.name, Index: f.index}
	}
	kvs := make([]KeyValue, 0, len(f.keys))
	for _, k := range f.keys {
		if v := keyValue(f.item, k, f.defaults); v != nil {
			kvs = append(kvs, KeyValue{Name: k, Value: formatScalar(v)})
		}
	}
	if len(kvs) == 0 {
		// An item without any key can only be named by its position.
		return Segment{Kind: IndexSegment, Index: f.index}
	}
	return Segment{Kind: KeyedSegment, Keys: kvs}
}

// keyValue returns the key field k of a list-map item, or its default when the item omits it.
func keyValue(item map[string]any, k string, defaults map[string]any) any {
	if v, ok := item[k]; ok && v != nil {
		return v
	}
	return defaults[k]
}

// Equal reports whether live matches desired by Compare's rules (desired a value of any kind,
// s its schema): quantities by amount, list-maps by key, fields desired lacks not compared.
func Equal(desired, live any, s *Schema) bool {
	w := &walker{}
	w.frames = w.frameBuf[:0]
	w.keys = w.keyBuf[:0]
	w.ints = w.intBuf[:0]
	w.value(desired, live, s, levelNone, nil)
	return len(w.out) == 0
}

// NeverCompared reports whether Compare never looks at p, a path from an object's root:
// status, and the metadata the server owns (IsServerMetadata).
func NeverCompared(p Path) bool {
	if len(p) == 0 || p[0].Kind != FieldSegment {
		return false
	}
	if skipField(levelRoot, p[0].Name) {
		return true
	}
	return p[0].Name == "metadata" && len(p) > 1 && p[1].Kind == FieldSegment && skipField(levelMetadata, p[1].Name)
}

// IsLastApplied reports whether p is the annotation in which kubectl apply keeps a copy of
// the whole object (kubectl.kubernetes.io/last-applied-configuration).
func IsLastApplied(p Path) bool {
	return len(p) == 3 && p[0].Name == "metadata" && p[1].Name == "annotations" && p[2].Kind == FieldSegment && p[2].Name == lastApplied
}

// identical reports whether d and l are the same map, or the same list (same items, same
// length), not merely equal ones: a value compared with itself has no drift (FuzzCompare).
func identical(d, l any) bool {
	switch dv := d.(type) {
	case map[string]any:
		lm, ok := l.(map[string]any)
		return ok && dv != nil && lm != nil && reflect.ValueOf(dv).UnsafePointer() == reflect.ValueOf(lm).UnsafePointer()
	case []any:
		ll, ok := l.([]any)
		return ok && len(dv) > 0 && len(dv) == len(ll) && &dv[0] == &ll[0]
	}
	return false
}
