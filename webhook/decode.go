package webhook

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// decodeObject parses the raw JSON of an object in an admission request into the values that
// k8s.io/apimachinery/pkg/util/json gives and pkg/diff expects: map[string]any, []any, string,
// bool, nil, int64 for a number written without a '.' that fits, float64 for any other number.
// JSON null gives a nil map. Invalid JSON, a number out of float64's range and nesting deeper
// than maxDepth are errors; invalid UTF-8 in a string becomes U+FFFD, byte by byte.
//
// With want, the desired object, it decodes only the fields Compare can read: at the top
// level, in metadata, and in metadata's labels and annotations, a key the desired map does not
// have is checked for syntax and skipped (managedFields, mostly), and so is the status; see keep. Lists,
// and maps elsewhere, are decoded whole. With want nil it decodes everything.
//
// It is single-pass and builds values directly, where util/json validates, then decodes
// through reflection; strings without escapes share one copy of raw.
func decodeObject(raw []byte, want map[string]any) (map[string]any, error) {
	d := &decoder{src: string(raw)}
	d.space()
	var obj map[string]any
	switch {
	case d.literal("null"):
	case d.peek() == '{':
		lv := levelFull
		if want != nil {
			lv = levelRoot
		}
		m, err := d.object(want, lv)
		if err != nil {
			return nil, err
		}
		obj = m
	default:
		return nil, d.errorf("want a JSON object")
	}
	d.space()
	if d.pos < len(d.src) {
		return nil, d.errorf("unexpected data after the object")
	}
	return obj, nil
}

// maxDepth bounds the nesting of objects and lists, as encoding/json does.
const maxDepth = 10000

// level says which keys of an object the decoder keeps.
type level uint8

const (
	// levelFull keeps every key.
	levelFull level = iota
	// levelRoot: the object itself.
	levelRoot
	// levelMetadata: its metadata.
	levelMetadata
	// levelKeys: metadata's labels and annotations, maps whose keys compare one by one.
	levelKeys
)

// keep reports whether the decoder keeps the key k of an object at level lv whose desired
// counterpart is want, and at which level it decodes k's value. pkg/diff walks an object's
// fields by the desired keys, and never the status, so a key the desired object lacks is never
// read, with one exception: a Secret's desired stringData is compared with the live data,
// which is always kept.
func keep(want map[string]any, lv level, k string) (bool, level) {
	switch {
	case lv == levelFull:
		return true, levelFull
	case lv == levelRoot && k == "status":
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

// decoder reads one JSON document. src is the whole input; pos the next byte to read.
type decoder struct {
	src   string
	pos   int
	depth int
	items []any // the items of the lists being read, innermost last
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", d.pos, fmt.Sprintf(format, args...))
}

// space skips JSON whitespace.
func (d *decoder) space() {
	for d.pos < len(d.src) {
		switch d.src[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (d *decoder) peek() byte {
	if d.pos < len(d.src) {
		return d.src[d.pos]
	}
	return 0
}

// literal consumes lit if it comes next.
func (d *decoder) literal(lit string) bool {
	if strings.HasPrefix(d.src[d.pos:], lit) {
		d.pos += len(lit)
		return true
	}
	return false
}

// value reads any value; want and lv apply if it is an object.
func (d *decoder) value(want map[string]any, lv level) (any, error) {
	switch c := d.peek(); {
	case c == '{':
		return d.object(want, lv)
	case c == '[':
		return d.list()
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case d.literal("true"):
		return true, nil
	case d.literal("false"):
		return false, nil
	case d.literal("null"):
		return nil, nil
	}
	return nil, d.errorf("want a value")
}

// enter and leave track the nesting depth.
func (d *decoder) enter() error {
	if d.depth++; d.depth > maxDepth {
		return d.errorf("nested deeper than %d", maxDepth)
	}
	d.pos++ // the opening { or [
	d.space()
	return nil
}

func (d *decoder) leave() { d.depth--; d.pos++ }

// object reads an object, keeping the keys keep allows.
func (d *decoder) object(want map[string]any, lv level) (map[string]any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	m := make(map[string]any)
	if d.peek() == '}' {
		d.leave()
		return m, nil
	}
	for {
		k, err := d.key()
		if err != nil {
			return nil, err
		}
		if ok, next := keep(want, lv, k); ok {
			sub, _ := want[k].(map[string]any)
			if sub == nil && next != levelFull {
				next = levelFull // Git's value is not an object: nothing to prune by
			}
			if m[k], err = d.value(sub, next); err != nil {
				return nil, err
			}
		} else if err := d.skip(); err != nil {
			return nil, err
		}
		if done, err := d.next('}'); done || err != nil {
			return m, err
		}
	}
}

// key reads an object's key and the colon after it.
func (d *decoder) key() (string, error) {
	if d.peek() != '"' {
		return "", d.errorf("want a string key")
	}
	k, err := d.str()
	if err != nil {
		return "", err
	}
	d.space()
	if d.peek() != ':' {
		return "", d.errorf("want ':' after a key")
	}
	d.pos++
	d.space()
	return k, nil
}

// next reads the ',' between items, or the closing byte, which it reports as done.
func (d *decoder) next(closing byte) (done bool, err error) {
	d.space()
	switch d.peek() {
	case ',':
		d.pos++
		d.space()
		return false, nil
	case closing:
		d.leave()
		return true, nil
	}
	return false, d.errorf("want ',' or %q", closing)
}

// list reads a list. Its items collect on d.items, so the list is allocated once, at its
// final length.
func (d *decoder) list() ([]any, error) {
	if err := d.enter(); err != nil {
		return nil, err
	}
	start := len(d.items)
	err := d.listItems()
	var out []any
	if err == nil {
		out = append(make([]any, 0, len(d.items)-start), d.items[start:]...)
	}
	clear(d.items[start:]) // the stack must not keep values alive
	d.items = d.items[:start]
	return out, err
}

func (d *decoder) listItems() error {
	if d.peek() == ']' {
		d.leave()
		return nil
	}
	for {
		v, err := d.value(nil, levelFull)
		if err != nil {
			return err
		}
		d.items = append(d.items, v)
		if done, err := d.next(']'); done || err != nil {
			return err
		}
	}
}

// number reads a number: an int64 if it has no '.' and fits, else a float64.
func (d *decoder) number() (any, error) {
	start := d.pos
	if err := d.scanNumber(); err != nil {
		return nil, err
	}
	s := d.src[start:d.pos]
	if !strings.Contains(s, ".") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, fmt.Errorf("number %s at offset %d: %w", s, start, errors.Unwrap(err))
	}
	return f, nil
}
