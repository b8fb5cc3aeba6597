package webhook

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// str reads a string. One without escapes and in valid UTF-8 is a substring of the input, not
// a copy.
func (d *decoder) str() (string, error) {
	d.pos++ // the opening quote
	start := d.pos
	for d.pos < len(d.src) {
		c := d.src[d.pos]
		switch {
		case c == '"':
			d.pos++
			return d.src[start : d.pos-1], nil
		case c == '\\':
			return d.unquote(start)
		case c < 0x20:
			return "", d.errorf("control character in a string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.src[d.pos:])
			if r == utf8.RuneError && size == 1 {
				return d.unquote(start) // an invalid byte: replaced
			}
			d.pos += size
			continue
		}
		d.pos++
	}
	return "", d.errorf("unterminated string")
}

// unquote reads the rest of a string that started at start and has escapes or non-ASCII
// bytes, as encoding/json does: each invalid UTF-8 byte and each lone surrogate becomes U+FFFD.
func (d *decoder) unquote(start int) (string, error) {
	var b strings.Builder
	b.WriteString(d.src[start:d.pos])
	for d.pos < len(d.src) {
		c := d.src[d.pos]
		switch {
		case c == '"':
			d.pos++
			return b.String(), nil
		case c == '\\':
			if err := d.escape(&b); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("control character in a string")
		case c < utf8.RuneSelf:
			b.WriteByte(c)
			d.pos++
		default:
			r, size := utf8.DecodeRuneInString(d.src[d.pos:])
			b.WriteRune(r) // RuneError for an invalid byte, with size 1
			d.pos += size
		}
	}
	return "", d.errorf("unterminated string")
}

// escape reads one escape sequence, d.pos at its backslash, and writes what it stands for.
func (d *decoder) escape(b *strings.Builder) error {
	if d.pos+1 >= len(d.src) {
		return d.errorf("unterminated string")
	}
	c := d.src[d.pos+1]
	if c != 'u' {
		r, ok := unescape(c)
		if !ok {
			return d.errorf("invalid escape \\%c", c)
		}
		b.WriteByte(r)
		d.pos += 2
		return nil
	}
	r, ok := hex4(d.src[d.pos+2:])
	if !ok {
		return d.errorf("invalid \\u escape")
	}
	d.pos += 6
	if utf16.IsSurrogate(r) {
		// A high surrogate followed by an escaped low one is one character; anything else is
		// U+FFFD for the lone surrogate, and the next escape is read on its own.
		if rest := d.src[d.pos:]; strings.HasPrefix(rest, `\u`) {
			if r2, ok := hex4(rest[2:]); ok {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					d.pos += 6
					b.WriteRune(pair)
					return nil
				}
			}
		}
		r = utf8.RuneError
	}
	b.WriteRune(r)
	return nil
}

// unescape returns the byte a one-character escape stands for.
func unescape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// hex4 reads the four hex digits of a \u escape at the start of s.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// scanNumber moves past a number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) scanNumber() error {
	if d.peek() == '-' {
		d.pos++
	}
	switch c := d.peek(); {
	case c == '0':
		d.pos++
	case c >= '1' && c <= '9':
		d.digits()
	default:
		return d.errorf("invalid number")
	}
	if d.peek() == '.' {
		d.pos++
		if !d.digits() {
			return d.errorf("invalid number")
		}
	}
	if c := d.peek(); c == 'e' || c == 'E' {
		d.pos++
		if c := d.peek(); c == '+' || c == '-' {
			d.pos++
		}
		if !d.digits() {
			return d.errorf("invalid number")
		}
	}
	return nil
}

// digits moves past a run of digits and reports whether there was one.
func (d *decoder) digits() bool {
	start := d.pos
	for d.pos < len(d.src) && d.src[d.pos] >= '0' && d.src[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// skip moves past a value, checking its syntax, without building it.
func (d *decoder) skip() error {
	switch c := d.peek(); {
	case c == '{' || c == '[':
		return d.skipNested(c)
	case c == '"':
		return d.skipString()
	case c == '-' || c >= '0' && c <= '9':
		return d.scanNumber()
	case d.literal("true"), d.literal("false"), d.literal("null"):
		return nil
	}
	return d.errorf("want a value")
}

// skipNested moves past an object or a list.
func (d *decoder) skipNested(open byte) error {
	closing := byte(']')
	if open == '{' {
		closing = '}'
	}
	if err := d.enter(); err != nil {
		return err
	}
	if d.peek() == closing {
		d.leave()
		return nil
	}
	for {
		if open == '{' {
			if _, err := d.key(); err != nil {
				return err
			}
		}
		if err := d.skip(); err != nil {
			return err
		}
		if done, err := d.next(closing); done || err != nil {
			return err
		}
	}
}

// skipString moves past a string, checking its escapes.
func (d *decoder) skipString() error {
	d.pos++
	for d.pos < len(d.src) {
		switch c := d.src[d.pos]; {
		case c == '"':
			d.pos++
			return nil
		case c == '\\':
			if d.pos+1 >= len(d.src) {
				return d.errorf("unterminated string")
			}
			if e := d.src[d.pos+1]; e == 'u' {
				if _, ok := hex4(d.src[d.pos+2:]); !ok {
					return d.errorf("invalid \\u escape")
				}
				d.pos += 6
			} else if _, ok := unescape(e); ok {
				d.pos += 2
			} else {
				return d.errorf("invalid escape \\%c", e)
			}
		case c < 0x20:
			return d.errorf("control character in a string")
		default:
			d.pos++
		}
	}
	return d.errorf("unterminated string")
}
