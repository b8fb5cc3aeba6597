package diff

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// SegmentKind says what a path Segment selects.
type SegmentKind uint8

// Segment kinds.
const (
	// FieldSegment selects the value of the map key Segment.Name.
	FieldSegment SegmentKind = iota
	// IndexSegment selects a list item by its position, Segment.Index.
	IndexSegment
	// KeyedSegment selects the item of a ListMap list whose key fields have the values in
	// Segment.Keys.
	KeyedSegment
	// WildcardSegment, written [*], matches any list item, keyed or positional. It is meant for
	// patterns: Get and Set reject it.
	WildcardSegment
)

// KeyValue is one key field of a KeyedSegment and the field's value as text: strings as they
// are, numbers in decimal (80, 0.5), booleans as true or false.
type KeyValue struct {
	Name  string
	Value string
}

// Segment is one step of a Path.
type Segment struct {
	// Kind says which of the other fields is set.
	Kind SegmentKind
	// Name is the map key of a FieldSegment.
	Name string
	// Index is the position of an IndexSegment.
	Index int
	// Keys are the key fields of a KeyedSegment, in the schema's key order.
	Keys []KeyValue
}

// Path names a value inside an object, as a list of segments from the root. See the package
// documentation for its notation.
type Path []Segment

// String renders p in the path notation: fields joined by ".", keys that are empty or hold any
// of . / [ ] = " , or a space bracket-quoted (["app.kubernetes.io/name"]), list items as
// [key=value,key2=value2], [2] or [*], with key values quoted when they are empty or hold
// any of , [ ] = " or a space. ParsePath reads it back.
func (p Path) String() string {
	b := make([]byte, 0, 16*len(p))
	for i := range p {
		b = p[i].appendTo(b, i == 0)
	}
	return string(b)
}

// String renders s as it appears inside a Path, without a leading ".".
func (s Segment) String() string {
	return string(s.appendTo(nil, true))
}

func (s Segment) appendTo(b []byte, first bool) []byte {
	switch s.Kind {
	case FieldSegment:
		if needsQuote(s.Name, "./[]=\",") {
			b = append(b, '[')
			b = strconv.AppendQuote(b, s.Name)
			return append(b, ']')
		}
		if !first {
			b = append(b, '.')
		}
		return append(b, s.Name...)
	case IndexSegment:
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(s.Index), 10)
		return append(b, ']')
	case WildcardSegment:
		return append(b, "[*]"...)
	default:
		b = append(b, '[')
		for i, kv := range s.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendKeyText(b, kv.Name)
			b = append(b, '=')
			b = appendKeyText(b, kv.Value)
		}
		return append(b, ']')
	}
}

func appendKeyText(b []byte, s string) []byte {
	if needsQuote(s, ",[]=\"") {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// needsQuote reports whether s is empty or holds one of special, a space, a character that is
// not printable, or bytes that are not UTF-8.
func needsQuote(s, special string) bool {
	if s == "" {
		return true
	}
	for i, r := range s {
		if r <= ' ' || strings.ContainsRune(special, r) || !strconv.IsPrint(r) {
			return true
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		}
	}
	return false
}

// Covers reports whether p, used as a pattern, names other or a value under it: p is no longer
// than other and each segment of p matches the one of other at the same place. A wildcard
// matches any list item; a keyed segment matches a keyed segment that has all its key values
// (spec.ports[port=80] covers spec.ports[port=80,protocol=TCP]). An empty p covers every path.
func (p Path) Covers(other Path) bool {
	if len(p) > len(other) {
		return false
	}
	for i := range p {
		if !p[i].matches(&other[i]) {
			return false
		}
	}
	return true
}

func (s *Segment) matches(o *Segment) bool {
	switch s.Kind {
	case FieldSegment:
		return o.Kind == FieldSegment && o.Name == s.Name
	case IndexSegment:
		return o.Kind == IndexSegment && o.Index == s.Index
	case WildcardSegment:
		return o.Kind != FieldSegment
	default:
		return o.Kind == KeyedSegment && hasKeys(o.Keys, s.Keys)
	}
}

// hasKeys reports whether every key of want is in have with the same value.
func hasKeys(have, want []KeyValue) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h.Name == w.Name {
				found = h.Value == w.Value
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
