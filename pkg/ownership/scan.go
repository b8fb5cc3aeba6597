package ownership

import (
	"unicode/utf8"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// scanner reads a fieldsV1 object as the API server writes it: objects whose members are
// objects, names that are strings, whitespace. It reads that form alone, and reports anything
// else as a failure, for readSorted to leave the whole to fieldpath: a value of another kind,
// invalid UTF-8 or escapes, nesting deeper than maxDepth. It needs no decoder of its own, whose
// state costs more than reading the few keys of an entry of a hand-edit manager.
type scanner struct {
	src string
	pos int
}

// maxDepth is the deepest nesting the scanner reads: jsontext's limit, which readSorted had
// when it read through jsontext.
const maxDepth = 10000

// space moves past whitespace.
func (s *scanner) space() {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the byte after whitespace, or 0 at the end of the input.
func (s *scanner) peek() byte {
	s.space()
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

// consume moves past the byte c after whitespace, and reports whether it was there.
func (s *scanner) consume(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.pos++
	return true
}

// atEnd reports whether nothing but whitespace is left.
func (s *scanner) atEnd() bool {
	s.space()
	return s.pos == len(s.src)
}

// str reads a string: a substring of the input unless it has escapes, then unquoted.
func (s *scanner) str() (string, bool) {
	if !s.consume('"') {
		return "", false
	}
	start := s.pos
	escaped := false
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '"':
			v := s.src[start:s.pos]
			s.pos++
			if !utf8.ValidString(v) {
				return "", false
			}
			if !escaped {
				return v, true
			}
			q := s.src[start-1 : s.pos]
			b, err := jsontext.AppendUnquote(nil, unsafe.Slice(unsafe.StringData(q), len(q)))
			return string(b), err == nil
		case c == '\\':
			escaped = true
			s.pos += 2 // the escaped byte, a quote maybe; AppendUnquote checks the escape
			continue
		case c < 0x20:
			return "", false
		}
		s.pos++
	}
	return "", false
}

// skipObject moves past an object of objects, as object reads them, keeping nothing.
func (s *scanner) skipObject(depth int) bool {
	if depth > maxDepth || !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return true
	}
	for {
		if _, ok := s.str(); !ok || !s.consume(':') || !s.skipObject(depth+1) {
			return false
		}
		if !s.consume(',') {
			return s.consume('}')
		}
	}
}
