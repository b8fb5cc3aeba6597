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

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// decodeObject parses the raw JSON of an object in an admission request into the values that
// k8s.io/apimachinery/pkg/util/json gives and pkg/diff expects: map[string]any, []any, string,
// bool, nil, int64 for a number written without a '.' that fits, float64 for any other number.
// JSON null gives a nil map. Invalid JSON, a number out of float64's range and nesting deeper
// than maxDepth are errors; invalid UTF-8 in a string becomes U+FFFD, byte by byte.
//
// With want, the desired object, it decodes only the fields Compare can read: at the top
// level, in metadata, and in metadata's labels and annotations, a key the desired map does not
// have is checked for syntax and skipped (managedFields, mostly), and so is what Compare never
// reads (diff.NeverCompared: the status, the metadata the server owns); see keep. Lists, and
// maps elsewhere, are decoded whole. With want nil it decodes everything.
//
// The tokenizer is jsontext's (the encoding/json/v2 one); strings without escapes are not
// copied: they share raw's memory, so raw must not change while the values are in use (the
// webhook never changes a request's bytes).
func decodeObject(raw []byte, want map[string]any) (map[string]any, error) {
	lv := levelFull
	if want != nil {
		lv = levelRoot
	}
	return new(decoder).decode(raw, want, lv)
}

// decodeForHandEdits parses the raw JSON of an object whose managedFields name a hand-edit
// manager, as decodeObject does, keeping what check.Target.CompareRequest reads: what Compare
// reads, and what the hand-edit search does, which may be any field Git leaves out. It leaves
// out only what neither ever reads: what diff.NeverCompared names but managedFields, and the
// annotation kubectl apply keeps a copy of the object in (diff.IsLastApplied). Each
// managedFields entry's fieldsV1 is kept as its JSON text, which pkg/ownership parses as it is,
// rather than as maps it would encode back to JSON.
func decodeForHandEdits(raw []byte) (map[string]any, error) {
	return new(decoder).decode(raw, nil, levelEditsRoot)
}

// decode decodes raw, its top-level object at level lv. A decoder decodes one input at a
// time; reusing it for the next saves jsontext's buffers.
func (d *decoder) decode(raw []byte, want map[string]any, lv level) (map[string]any, error) {
	d.reset(raw)
	var obj map[string]any
	switch d.dec.PeekKind() {
	case 'n':
		if _, err := d.dec.ReadToken(); err != nil {
			return nil, d.syntax(err)
		}
	case '{':
		m, err := d.object(want, lv)
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

// level says which keys of an object the decoder keeps.
type level uint8

const (
	// levelFull keeps every key.
	levelFull level = iota
	// levelRoot: the object itself, pruned to what Compare reads.
	levelRoot
	// levelMetadata: its metadata.
	levelMetadata
	// levelKeys: metadata's labels and annotations, maps whose keys compare one by one.
	levelKeys
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

// keep reports whether the decoder keeps the key k of an object at level lv whose desired
// counterpart is want, and at which level it decodes k's value. pkg/diff walks an object's
// fields by the desired keys, and never what diff.NeverCompared names, so a key the desired
// object lacks is never read, with one exception: a Secret's desired stringData is compared
// with the live data, which is always kept. The hand-edit search reads any field but those
// and kubectl's last-applied annotation, and the managedFields.
func keep(want map[string]any, lv level, k string) (bool, level) {
	switch lv {
	case levelFull, levelManagedFields, levelManagedEntry:
		return true, levelFull
	case levelEditsRoot:
		if k == "metadata" {
			return true, levelEditsMetadata
		}
		return !neverCompared(levelRoot, k), levelFull
	case levelEditsMetadata:
		switch k {
		case "managedFields":
			return true, levelManagedFields
		case "annotations":
			return true, levelEditsAnnotations
		}
		return !neverCompared(levelMetadata, k), levelFull
	case levelEditsAnnotations:
		return !diff.IsLastApplied(diff.Path{field("metadata"), field("annotations"), field(k)}), levelFull
	}
	if neverCompared(lv, k) {
		return false, levelFull
	}
	if _, ok := want[k]; !ok && !(lv == levelRoot && k == "data") {
		return false, levelFull
	}
	switch {
	case lv == levelRoot && k == "metadata":
		return true, levelMetadata
	case lv == levelMetadata && (k == "labels" || k == "annotations"):
		return true, levelKeys
	}
	return true, levelFull
}

// neverCompared reports whether Compare never reads the key k of an object at level lv.
func neverCompared(lv level, k string) bool {
	switch lv {
	case levelRoot:
		return diff.NeverCompared(diff.Path{field(k)})
	case levelMetadata:
		return diff.NeverCompared(diff.Path{field("metadata"), field(k)})
	}
	return false
}

func field(name string) diff.Segment { return diff.Segment{Kind: diff.FieldSegment, Name: name} }

// decoder builds values from jsontext's tokens. src is the input as a string that shares its
// memory, for strings without escapes.
type decoder struct {
	src   string
	buf   bytes.Buffer // holds the input, for dec
	dec   *jsontext.Decoder
	items []any // the items of the lists being read, innermost last
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
	d.dec.Reset(&d.buf, d.dec.Options())
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

// value reads any value; want and lv apply if it is an object.
func (d *decoder) value(want map[string]any, lv level) (any, error) {
	switch d.dec.PeekKind() {
	case '{':
		return d.object(want, lv)
	case '[':
		if lv == levelManagedFields {
			return d.list(levelManagedEntry)
		}
		return d.list(levelFull)
	case '"':
		return d.str()
	case '0':
		return d.number()
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

// object reads an object, keeping the keys keep allows.
func (d *decoder) object(want map[string]any, lv level) (map[string]any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, d.syntax(err)
	}
	m := make(map[string]any)
	for d.dec.PeekKind() != '}' {
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		if ok, next := keep(want, lv, k); !ok {
			err = d.skip()
		} else if lv == levelManagedEntry && k == "fieldsV1" {
			m[k], err = d.jsonText()
		} else {
			sub, _ := want[k].(map[string]any)
			if sub == nil && next >= levelRoot && next <= levelKeys {
				next = levelFull // Git's value is not an object: nothing to prune by
			}
			m[k], err = d.value(sub, next)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, d.syntax(err)
	}
	return m, nil
}

// list reads a list, its objects at level lv. Its items collect on d.items, so the list is
// allocated once, at its final length.
func (d *decoder) list(lv level) ([]any, error) {
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, d.syntax(err)
	}
	start := len(d.items)
	err := d.listItems(lv)
	var out []any
	if err == nil {
		out = append(make([]any, 0, len(d.items)-start), d.items[start:]...)
	}
	clear(d.items[start:]) // the stack must not keep values alive
	d.items = d.items[:start]
	return out, err
}

func (d *decoder) listItems(lv level) error {
	for d.dec.PeekKind() != ']' {
		v, err := d.value(nil, lv)
		if err != nil {
			return err
		}
		d.items = append(d.items, v)
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return d.syntax(err)
	}
	return nil
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
// a copy.
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
	b, _ := jsontext.AppendUnquote(make([]byte, 0, len(v)), v) // invalid UTF-8 is replaced, as encoding/json does
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

// number reads a number: an int64 if it has no '.' and fits, else a float64.
func (d *decoder) number() (any, error) {
	v, err := d.dec.ReadValue()
	if err != nil {
		return nil, d.syntax(err)
	}
	end := int(d.dec.InputOffset())
	s := d.src[end-len(v) : end]
	if !strings.Contains(s, ".") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number at offset %d: %w", end-len(v), errors.Unwrap(err))
	}
	return f, nil
}
