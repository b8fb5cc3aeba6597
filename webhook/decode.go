package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// decodeObject parses the raw JSON of an object in an admission request into the values that
// k8s.io/apimachinery/pkg/util/json gives and pkg/diff expects: map[string]any, []any, string,
// bool, nil, int64 for a number written without a '.' that fits, float64 for any other number.
// JSON null gives a nil map. Invalid JSON, a number out of float64's range and nesting deeper
// than maxDepth are errors; invalid UTF-8 in a string becomes U+FFFD, byte by byte.
//
// With a target t, it builds only what t's Compare reads of the object (see at.child): at
// every level, the keys the desired object sets (not the status, nor the metadata the server
// owns); in a list the schema matches by keys, the items that match a desired item, pruned by
// it, and of the others their keys; values the schema says compare whole, whole. Everything
// else is checked for syntax and skipped. With t nil it decodes everything.
//
// The tokenizer is jsontext's (the encoding/json/v2 one); strings without escapes are not
// copied: they share raw's memory, so raw must not change while the values are in use (the
// webhook never changes a request's bytes). A string or number equal to the desired value at
// the same place is the desired value itself (Want's: a leaf of the desired state's table,
// which every copy of Want shares and which outlives the request).
func decodeObject(raw []byte, t *check.Target) (map[string]any, error) {
	if t == nil {
		return new(decoder).decode(raw, at{lv: levelFull})
	}
	return new(decoder).decode(raw, rootOf(t.Want(), t))
}

// decodeForHandEdits parses the raw JSON of an object whose managedFields name a hand-edit
// manager, as decodeObject does, keeping what check.Target.CompareRequest reads: what Compare
// reads, and what the hand-edit search does, which may be any field Git leaves out. It leaves
// out only what neither ever reads: what diff.NeverCompared names but managedFields, and the
// annotation kubectl apply keeps a copy of the object in (diff.IsLastApplied). Each
// managedFields entry's fieldsV1 is kept as its JSON text, which pkg/ownership parses as it is,
// rather than as maps it would encode back to JSON.
func decodeForHandEdits(raw []byte) (map[string]any, error) {
	return new(decoder).decode(raw, at{lv: levelEditsRoot})
}

// rootOf is the place of an object compared with the target t: its root, pruned by what
// t.Compare walks, want (t's Want: its normalised form, which may set fields Git does not, a
// Secret's default type), and t's schema.
func rootOf(want map[string]any, t *check.Target) at {
	return at{want: want, s: t.Schema, lv: levelRoot}
}

// decode decodes raw, its top-level object at a. A decoder decodes one input at a time;
// reusing it for the next saves jsontext's buffers.
func (d *decoder) decode(raw []byte, a at) (map[string]any, error) {
	d.reset(raw)
	d.found = d.found[:0]
	d.search.start()
	var obj map[string]any
	switch d.dec.PeekKind() {
	case 'n':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, d.syntax(err)
		}
	case '{':
		if a.want == nil && a.lv != levelFull && a.lv != levelEditsRoot {
			a.lv = levelFull // nothing to prune by
		}
		m, err := d.object(a)
		if err != nil {
			return nil, err
		}
		obj = m
	default:
		return nil, d.wrong("a JSON object")
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return obj, nil
}

// maxDepth is the deepest nesting of objects and lists the decoder accepts: jsontext's limit,
// the same as encoding/json's.
const maxDepth = 10000

// decoder builds values from jsontext's tokens. src is the input as a string that shares its
// memory, for strings without escapes.
type decoder struct {
	src   string
	buf   bytes.Buffer // holds the input, for dec
	dec   *jsontext.Decoder
	items []any  // the items of the lists being read, innermost last
	mem   *arena // where maps, lists and unquoted strings go; nil: the heap
	// found are the managedFields entries of the object decoded last, as far as decode saw
	// them (see managers).
	found []fieldManager
	// counts are the keyed lists' match counts being read (see keyedItems), innermost last.
	counts []int
	// pending are the fields of keyed items set aside until their keys are read (see
	// keyedItem), innermost last.
	pending []pendingField
	// again decodes a part of src a second time (see redo); made on first use.
	again *decoder
	// edits are, on the hand-edit path, the managedFields entries of the object of the
	// hand-edit managers: the decoder keeps these alone. Nil otherwise.
	edits []fieldManager
	// search is the state of a decode that looks for hand edits as it goes (see late.go).
	search search
}

// reset makes d read raw. It accepts what encoding/json accepts: duplicate keys (the last
// wins) and invalid UTF-8 (replaced).
func (d *decoder) reset(raw []byte) {
	d.src = unsafe.String(unsafe.SliceData(raw), len(raw))
	d.buf = *bytes.NewBuffer(raw) // jsontext reads a bytes.Buffer's bytes in place
	if d.dec == nil {
		d.dec = jsontext.NewDecoder(&d.buf, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		return
	}
	d.dec.Reset(&d.buf, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

// errInvalid is the error of input that is not valid JSON.
var errInvalid = errors.New("invalid JSON")

// syntax returns err as an error of the decoder's input: its offset, without jsontext's
// message, which may quote the input (a Secret's value).
func (d *decoder) syntax(err error) error {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fmt.Errorf("%w at offset %d", errInvalid, se.ByteOffset)
	}
	return fmt.Errorf("%w: unexpected end of input", errInvalid)
}

// wrong returns the error of a value other than the one wanted next.
func (d *decoder) wrong(want string) error {
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return fmt.Errorf("%w at offset %d: want %s", errInvalid, d.dec.InputOffset(), want)
}

// end checks that nothing but whitespace follows the value read.
func (d *decoder) end() error {
	if _, err := d.dec.ReadToken(); err == nil {
		return fmt.Errorf("%w at offset %d: unexpected data after the value", errInvalid, d.dec.InputOffset())
	} else if !errors.Is(err, io.EOF) {
		return d.syntax(err)
	}
	return nil
}

// value reads any value at the place a.
func (d *decoder) value(a at) (any, error) {
	switch d.dec.PeekKind() {
	case '{':
		return d.object(a.object())
	case '[':
		return d.list(a)
	case '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		if w, ok := a.want.(string); ok && w == s {
			return a.want, nil // Git's value, already boxed
		}
		return s, nil
	case '0':
		return d.number(a.want)
	case 't', 'f':
		t, err := d.dec.ReadToken()
		if err != nil {
			return nil, d.syntax(err)
		}
		return t.Bool(), nil
	case 'n':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, d.syntax(err)
		}
		return nil, nil
	}
	return nil, d.wrong("a value")
}

// open reads the '{' or '[' that starts a value and returns its offset.
func (d *decoder) open() (int, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return 0, d.syntax(err)
	}
	return int(d.dec.InputOffset()) - 1, nil
}

// object reads an object, keeping the keys a.child allows.
func (d *decoder) object(a at) (map[string]any, error) {
	open, err := d.open()
	if err != nil {
		return nil, err
	}
	m := d.mem.newMap()
	if d.watching(a) {
		return m, d.watchedObject(m, a, open)
	}
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		if err := d.field(m, a, k); err != nil {
			return nil, err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, d.syntax(err)
	}
	return m, nil
}

// field reads the value of the key k of an object at a into m, or skips it.
func (d *decoder) field(m map[string]any, a at, k string) error {
	next, ok := a.child(k)
	var err error
	switch {
	case !ok:
		if a.lv == levelMetadata && k == "managedFields" {
			d.search.lists++
			if d.edits != nil {
				return d.editEntries(m, k)
			}
			first := len(d.found)
			if d.found, err = d.managers(d.found, 0); err == nil && d.search.target != nil {
				err = d.lateEntries(m, k, d.found[first:])
			}
			return err
		}
		err = d.skip()
	case a.lv == levelManagedEntry && k == "fieldsV1":
		m[k], err = d.jsonText()
	default:
		m[k], err = d.value(next)
	}
	return err
}

// list reads a list, its items at the places a gives them (see listItems).
func (d *decoder) list(a at) ([]any, error) {
	open, err := d.open()
	if err != nil {
		return nil, err
	}
	start := len(d.items)
	whole, err := d.listItems(a)
	var out []any
	switch {
	case err != nil:
	case whole:
		// Compare reads every item whole (see keyedItems): read the list again.
		out, err = d.redoList(open, a)
	default:
		out = d.mem.list(d.items[start:])
	}
	clear(d.items[start:]) // the stack must not keep values alive
	d.items = d.items[:start]
	return out, err
}

// redoList reads the list that starts at the offset open again, and whole.
func (d *decoder) redoList(open int, a at) ([]any, error) {
	v, err := d.redo(open, at{want: a.want, lv: levelFull})
	l, _ := v.([]any)
	return l, err
}

// redo decodes the value of src that starts at the offset start and ends where d stands, at
// the place a: a value read once already, whose parts Compare reads turned out to be others.
func (d *decoder) redo(start int, a at) (any, error) {
	return d.redoSpan(start, int(d.dec.InputOffset()), a)
}

// redoSpan decodes the value src[start:end], read once already, at the place a.
func (d *decoder) redoSpan(start, end int, a at) (any, error) {
	if d.again == nil {
		d.again = &decoder{mem: d.mem}
	}
	d.again.reset(unsafe.Slice(unsafe.StringData(d.src), len(d.src))[start:end:end])
	return d.again.value(a)
}

// skip moves past a value, checking its syntax, without building it.
func (d *decoder) skip() error {
	if _, err := d.dec.ReadValue(); err != nil {
		return d.syntax(err)
	}
	return nil
}

// span reads a value and returns its JSON, a slice of the input.
func (d *decoder) span() ([]byte, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, d.syntax(err)
	}
	end := int(d.dec.InputOffset())
	return unsafe.Slice(unsafe.StringData(d.src), len(d.src))[end-len(v) : end : end], nil
}

// jsonText reads a value and returns its JSON as a string that shares the input's memory.
func (d *decoder) jsonText() (string, error) {
	b, err := d.span()
	return unsafe.String(unsafe.SliceData(b), len(b)), err
}

// str reads a string. One without escapes and in valid UTF-8 is a substring of the input, not
// a copy; another is unquoted into the decoder's arena.
func (d *decoder) str() (string, error) {
	if d.dec.PeekKind() != '"' {
		return "", d.wrong("a string")
	}
	v, err := d.dec.ReadValue()
	if err != nil {
		return "", d.syntax(err)
	}
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		end := int(d.dec.InputOffset())
		return d.src[end-len(v)+1 : end-1], nil
	}
	b := d.mem.unquote(v) // invalid UTF-8 is replaced, as encoding/json does
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// unquoteJSON appends the unquoted JSON string quoted to b.
func unquoteJSON(b, quoted []byte) ([]byte, error) { return jsontext.AppendUnquote(b, quoted) }

// number reads a number: an int64 if it has no '.' and fits, else a float64. want is the
// desired value at its place: an equal number is returned as it is.
func (d *decoder) number(want any) (any, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, d.syntax(err)
	}
	end := int(d.dec.InputOffset())
	s := d.src[end-len(v) : end]
	if !strings.Contains(s, ".") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			if w, ok := want.(int64); ok && w == i {
				return want, nil
			}
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number at offset %d: %w", end-len(v), errors.Unwrap(err))
	}
	if w, ok := want.(float64); ok && w == f {
		return want, nil
	}
	return f, nil
}

// fieldManager is a managedFields entry's manager and subresource, as decode saw them, and
// where the entry and its fieldsV1 are in the object's JSON (offsets from its start; fields
// is empty when the entry has none).
type fieldManager struct {
	manager, subresource string
	entry, fields        span
}

// span is the part [start, end) of an input.
type span struct{ start, end int }

// managers reads a managedFields list, appending to found the manager and subresource of each
// entry, and where it and its fieldsV1 are, as offsets from base: enough to tell whether the
// object has entries of hand-edit managers (handEdits), and to read theirs alone (ownedTree),
// without building the list.
func (d *decoder) managers(found []fieldManager, base int) ([]fieldManager, error) {
	if d.dec.PeekKind() != '[' {
		return found, d.skip()
	}
	if _, err := d.open(); err != nil {
		return found, err
	}
	for d.dec.PeekKind() != ']' {
		if d.dec.PeekKind() != '{' {
			if err := d.skip(); err != nil {
				return found, err
			}
			continue
		}
		e, err := d.manager(base)
		if err != nil {
			return found, err
		}
		found = append(found, e)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return found, d.syntax(err)
	}
	return found, nil
}

// manager reads a managedFields entry (see managers).
func (d *decoder) manager(base int) (fieldManager, error) {
	var e fieldManager
	start, err := d.open()
	if err != nil {
		return e, err
	}
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return e, err
		}
		switch {
		case k == "manager" && d.dec.PeekKind() == '"':
			err = d.text(&e.manager)
		case k == "subresource" && d.dec.PeekKind() == '"':
			err = d.text(&e.subresource)
		case k == keyFieldsV1 && d.dec.PeekKind() == '{':
			var v []byte
			if v, err = d.span(); err == nil {
				end := int(d.dec.InputOffset()) - base
				e.fields = span{end - len(v), end}
			}
		default:
			err = d.skip()
		}
		if err != nil {
			return e, err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return e, d.syntax(err)
	}
	e.entry = span{start - base, int(d.dec.InputOffset()) - base}
	return e, nil
}

// keyFieldsV1 is the key of a managedFields entry's field set.
const keyFieldsV1 = "fieldsV1"

// editEntries skips a managedFields list, and sets m[k] to the list of the entries d.edits
// (the hand-edit managers'), each read as levelManagedEntry says.
func (d *decoder) editEntries(m map[string]any, k string) error {
	list, err := d.span()
	if err != nil {
		return err
	}
	end := int(d.dec.InputOffset())
	for _, e := range d.edits {
		if e.entry.start < end-len(list) || e.entry.end > end {
			return errEntriesElsewhere
		}
	}
	return d.keepEntries(m, k)
}

// errEntriesElsewhere is the error of a decode whose entries to keep (decoder.edits) are not
// those of the managedFields list it read: the object has several (duplicate keys).
var errEntriesElsewhere = errors.New("managedFields entries elsewhere")

// keepEntries sets m[k] to the list of the entries d.edits, each read as levelManagedEntry
// says.
func (d *decoder) keepEntries(m map[string]any, k string) error {
	start := len(d.items)
	defer func() {
		clear(d.items[start:])
		d.items = d.items[:start]
	}()
	for _, e := range d.edits {
		v, err := d.redoSpan(e.entry.start, e.entry.end, at{lv: levelManagedEntry})
		if err != nil {
			return err
		}
		d.items = append(d.items, v)
	}
	m[k] = d.mem.list(d.items[start:])
	return nil
}

// handEdits reports whether the entries of found name a hand-edit manager of t outside the
// status subresource: the object's fields Git does not set are then compared too
// (check.Target.CompareRequest), and must be decoded.
func handEdits(found []fieldManager, t *check.Target) bool {
	for _, e := range found {
		if e.subresource != "status" && t.HandEditManager(e.manager) {
			return true
		}
	}
	return false
}

// neverCompared reports whether Compare never reads the key k of an object at level lv.
func neverCompared(lv level, k string) bool {
	switch lv {
	case levelRoot, levelEditsRoot:
		return diff.NeverCompared(diff.Path{field(k)})
	case levelMetadata, levelEditsMetadata:
		return diff.NeverCompared(diff.Path{field("metadata"), field(k)})
	}
	return false
}

func field(name string) diff.Segment { return diff.Segment{Kind: diff.FieldSegment, Name: name} }
