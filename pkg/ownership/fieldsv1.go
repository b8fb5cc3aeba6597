package ownership

import (
	"cmp"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// The fieldsV1 of a managedFields entry is a tree of path elements written as JSON keys
// ("f:name", "k:{keys}", "v:value", "i:index"; "." marks the node itself as owned), which
// structured-merge-diff parses into a fieldpath.Set: several allocations per element, and a
// second copy of its leaves. As the API server writes it (the set's own serialisation), the
// keys of each object are sorted as the set sorts its elements, once each: readSorted reads
// that form straight into fields, in the set's order (Iterate: at each level the owned
// elements, then the children's subtrees), and gives up on anything else (keys out of order,
// repeated, a key or value that is not a string, number or boolean, an element it cannot
// read, a member that is not an object, JSON its scanner does not read), which add then
// parses with structured-merge-diff. TestReadSortedAsFieldpath holds the two to the same
// fields.

// element is one path element of a fieldsV1 object, as readSorted reads it.
type element struct {
	kind  byte // 'f', 'k', 'v' or 'i'
	name  string
	keys  []keyField // of a 'k' element, sorted by name
	value any        // of a 'v' element
	index int        // of an 'i' element
	// member: the element itself is owned; children: the first and last of the elements
	// under it that a set holds (known types), linked by next; 0 is none.
	member              bool
	first, last, next   int32
	hasKnownDescendants bool
}

// keyField is a key field of a 'k' element.
type keyField struct {
	name  string
	value any
}

// sortedReader reads a fieldsV1 object into elements.
type sortedReader struct {
	scan  scanner           // reads the input
	keys  *jsontext.Decoder // reads the JSON of key and value elements; made on first use
	elems []element         // elems[0] is the root
}

// readSorted appends the fields of the fieldsV1 JSON raw to o, owned by the entry owner, as
// readSet would, and reports whether it could; when it could not, o is as it was. The
// fields' names share raw's memory.
func (o *Owners) readSorted(raw string, owner int) bool {
	r := sortedReader{scan: scanner{src: raw}, elems: make([]element, 1, 8)}
	if !r.object(0, 1) || !r.scan.atEnd() {
		return false
	}
	start := len(o.fields)
	buf := make(diff.Path, 0, 8)
	if !r.emit(o, 0, buf, owner) {
		clear(o.fields[start:])
		o.fields = o.fields[:start]
		return false
	}
	return true
}

// object reads a JSON object of path elements, at the nesting depth, into the children of n,
// and reports whether it is in the sorted form. An element of a type fieldpath does not know
// is skipped, as fieldpath skips it.
func (r *sortedReader) object(n int32, depth int) bool {
	s := &r.scan
	if depth > maxDepth || !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return true
	}
	var prev int32
	for {
		k, ok := s.str()
		if !ok || !s.consume(':') {
			return false
		}
		if !r.member(n, k, &prev, depth) {
			return false
		}
		if !s.consume(',') {
			return s.consume('}')
		}
	}
}

// member reads the value of the key k of an object at the nesting depth, whose elements go
// under n, prev the last one read.
func (r *sortedReader) member(n int32, k string, prev *int32, depth int) bool {
	s := &r.scan
	if k == "." {
		r.elems[n].member = true
		return s.skipObject(depth + 1)
	}
	e, ok, known := r.parseElement(k)
	if !known {
		return s.skipObject(depth + 1)
	}
	if !ok || *prev != 0 && compareElements(&r.elems[*prev], &e) >= 0 {
		return false
	}
	r.elems = append(r.elems, e)
	c := int32(len(r.elems) - 1)
	if s.peek() != '{' || !r.object(c, depth+1) {
		return false
	}
	child := &r.elems[c]
	if !child.hasKnownDescendants {
		child.member = true // fieldpath: an element with no children is owned
	}
	p := &r.elems[n]
	p.hasKnownDescendants = true
	if p.last == 0 {
		p.first = c
	} else {
		r.elems[p.last].next = c
	}
	p.last = c
	*prev = c
	return true
}

// parseElement reads a serialised path element. known is false for a type fieldpath does not
// know; ok is false for one readSorted leaves to fieldpath.
func (r *sortedReader) parseElement(k string) (e element, ok, known bool) {
	if len(k) < 2 || k[1] != ':' {
		return e, false, true // fieldpath's error
	}
	e.kind = k[0]
	s := k[2:]
	switch e.kind {
	case 'f':
		e.name = s
		return e, true, true
	case 'i':
		i, err := strconv.Atoi(s)
		e.index = i
		return e, err == nil, true
	case 'v':
		r.reset(s)
		v, ok := r.scalar()
		e.value = v
		return e, ok && r.atEnd(), true
	case 'k':
		keys, ok := r.keyFields(s)
		e.keys = keys
		return e, ok, true
	}
	return e, false, false
}

// keyFields reads the key fields of a 'k' element, sorted by name; ok is false unless they
// are an object of distinct names with scalar values.
func (r *sortedReader) keyFields(s string) ([]keyField, bool) {
	r.reset(s)
	dec := r.keys
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	var out []keyField
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil || tok.Kind() != '"' {
			return nil, false
		}
		name := tok.String() // before the next read voids tok
		v, ok := r.scalar()
		if !ok {
			return nil, false
		}
		out = append(out, keyField{name: name, value: v})
	}
	if _, err := dec.ReadToken(); err != nil || !r.atEnd() {
		return nil, false
	}
	slices.SortStableFunc(out, func(a, b keyField) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(out); i++ {
		if out[i].name == out[i-1].name {
			return nil, false
		}
	}
	return out, true
}

// reset makes r's second decoder read s, the JSON of a key or value element.
func (r *sortedReader) reset(s string) {
	if r.keys == nil {
		r.keys = jsontext.NewDecoder(strings.NewReader(s), jsontext.AllowDuplicateNames(true))
		return
	}
	r.keys.Reset(strings.NewReader(s), jsontext.AllowDuplicateNames(true))
}

// atEnd reports whether r's second decoder read all its input.
func (r *sortedReader) atEnd() bool {
	_, err := r.keys.ReadToken()
	return errors.Is(err, io.EOF)
}

// scalar reads a JSON string, number or boolean with r's second decoder, as fieldpath's
// values hold them: a number as a float64.
func (r *sortedReader) scalar() (any, bool) {
	tok, err := r.keys.ReadToken()
	if err != nil {
		return nil, false
	}
	switch tok.Kind() {
	case '"':
		return tok.String(), true
	case '0':
		f, err := strconv.ParseFloat(tok.String(), 64)
		return f, err == nil
	case 't', 'f':
		return tok.Bool(), true
	}
	return nil, false
}

// compareElements orders path elements as fieldpath does: fields, then keys, values and
// indexes, each by its content.
func compareElements(a, b *element) int {
	if c := cmp.Compare(kindRank(a.kind), kindRank(b.kind)); c != 0 {
		return c
	}
	switch a.kind {
	case 'f':
		return strings.Compare(a.name, b.name)
	case 'i':
		return cmp.Compare(a.index, b.index)
	case 'v':
		return compareScalars(a.value, b.value)
	}
	for i := 0; ; i++ {
		switch {
		case i == len(a.keys) && i == len(b.keys):
			return 0
		case i == len(a.keys):
			return -1
		case i == len(b.keys):
			return 1
		}
		if c := strings.Compare(a.keys[i].name, b.keys[i].name); c != 0 {
			return c
		}
		if c := compareScalars(a.keys[i].value, b.keys[i].value); c != 0 {
			return c
		}
	}
}

func kindRank(k byte) int { return strings.IndexByte("fkvi", k) }

// compareScalars orders the values scalar reads as value.Compare does: numbers, then
// strings, then booleans.
func compareScalars(a, b any) int {
	if c := cmp.Compare(scalarRank(a), scalarRank(b)); c != 0 {
		return c
	}
	switch x := a.(type) {
	case float64:
		return cmp.Compare(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	return 0
}

func scalarRank(v any) int {
	switch v.(type) {
	case float64:
		return 0
	case string:
		return 1
	}
	return 2
}

// emit appends to o the fields under the element n, whose path is prefix, in fieldpath's
// order: the owned elements, then the subtrees of those with children. A value element
// inside a path has no pkg/diff path: what is under it is left out, as add leaves it out.
func (r *sortedReader) emit(o *Owners, n int32, prefix diff.Path, owner int) bool {
	for c := r.elems[n].first; c != 0; c = r.elems[c].next {
		e := &r.elems[c]
		if !e.member {
			continue
		}
		f := field{leaf: !e.hasKnownDescendants, owner: owner}
		if o.leaves && !f.leaf {
			continue
		}
		if e.kind == 'v' {
			f.path, f.item, f.isItem = clonePath(prefix), e.value, true
		} else {
			f.path = clonePath(append(prefix, e.segment()))
		}
		o.fields = append(o.fields, f)
	}
	for c := r.elems[n].first; c != 0; c = r.elems[c].next {
		e := &r.elems[c]
		if !e.hasKnownDescendants || e.kind == 'v' {
			continue
		}
		if !r.emit(o, c, append(prefix, e.segment()), owner) {
			return false
		}
	}
	return true
}

// segment returns the element as a pkg/diff segment, as DiffPath makes it.
func (e *element) segment() diff.Segment {
	switch e.kind {
	case 'f':
		return diff.Segment{Kind: diff.FieldSegment, Name: e.name}
	case 'i':
		return diff.Segment{Kind: diff.IndexSegment, Index: e.index}
	}
	item := make(map[string]any, len(e.keys))
	names := make([]string, len(e.keys))
	for i, k := range e.keys {
		item[k.name] = k.value
		names[i] = k.name
	}
	return diff.ItemSegment([]any{item}, 0, &diff.Schema{ListType: diff.ListMap, Keys: names})
}

func clonePath(p diff.Path) diff.Path { return append(make(diff.Path, 0, len(p)), p...) }
