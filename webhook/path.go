package webhook

import (
	"strconv"
	"strings"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// pathReader reads paths in pkg/diff's notation (diff.ParsePath) into memory it reuses: a
// field's path is read for each drifted field of a request, and diff.ParsePath allocates the
// segments of each.
type pathReader struct {
	segs    []diff.Segment
	kvs     []diff.KeyValue
	segBuf  [16]diff.Segment
	kvsBuf  [8]diff.KeyValue
	started bool
}

// read returns the path s as diff.ParsePath reads it, and whether it could read it; the path
// is valid until the next read. It reads what Path.String writes; on anything else (a
// wildcard, a malformed path) it reports false, where diff.ParsePath may fail or not.
func (r *pathReader) read(s string) (diff.Path, bool) {
	if !r.started {
		r.segs, r.kvs, r.started = r.segBuf[:0], r.kvsBuf[:0], true
	}
	r.segs, r.kvs = r.segs[:0], r.kvs[:0]
	if s == "" {
		return nil, false
	}
	for i := 0; i < len(s); {
		if s[i] == '[' {
			next, ok := r.bracket(s, i)
			if !ok {
				return nil, false
			}
			i = next
			continue
		}
		if len(r.segs) > 0 {
			if s[i] != '.' {
				return nil, false
			}
			i++
		}
		end := i + strings.IndexAny(s[i:], ".[")
		if end < i {
			end = len(s)
		}
		name := s[i:end]
		if name == "" || strings.ContainsAny(name, "]=\" \t\n") {
			return nil, false
		}
		r.segs, i = append(r.segs, diff.Segment{Kind: diff.FieldSegment, Name: name}), end
	}
	return r.segs, true
}

// bracket reads the segment that starts with the "[" at s[i], and returns the offset just
// after its "]".
func (r *pathReader) bracket(s string, i int) (int, bool) {
	tok, quoted, j, ok := token(s, i+1, "=]")
	if !ok {
		return 0, false
	}
	if s[j] == ']' {
		switch {
		case quoted:
			r.segs = append(r.segs, diff.Segment{Kind: diff.FieldSegment, Name: tok})
		case tok != "" && strings.Trim(tok, "0123456789") == "":
			n, err := strconv.Atoi(tok)
			if err != nil {
				return 0, false
			}
			r.segs = append(r.segs, diff.Segment{Kind: diff.IndexSegment, Index: n})
		default:
			return 0, false // [*], or not a segment
		}
		return j + 1, true
	}
	start := len(r.kvs)
	for {
		if s[j] != '=' {
			return 0, false
		}
		val, _, k, ok := token(s, j+1, ",]")
		if !ok {
			return 0, false
		}
		for _, kv := range r.kvs[start:] {
			if kv.Name == tok {
				return 0, false
			}
		}
		r.kvs = append(r.kvs, diff.KeyValue{Name: tok, Value: val})
		if s[k] == ']' {
			r.segs = append(r.segs, diff.Segment{Kind: diff.KeyedSegment, Keys: r.kvs[start:len(r.kvs):len(r.kvs)]})
			return k + 1, true
		}
		if tok, _, j, ok = token(s, k+1, "=]"); !ok {
			return 0, false
		}
	}
}

// token reads a quoted string or a run of plain characters starting at s[i], up to one of
// stop, and returns it, whether it was quoted, and the offset of the stop character.
func token(s string, i int, stop string) (tok string, quoted bool, next int, ok bool) {
	if i < len(s) && s[i] == '"' {
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			return "", false, 0, false
		}
		if tok, err = strconv.Unquote(q); err != nil {
			return "", false, 0, false
		}
		i, quoted = i+len(q), true
	} else {
		end := i
		for end < len(s) && strings.IndexByte(stop, s[end]) < 0 {
			if strings.IndexByte(",[]=\" \t\n", s[end]) >= 0 {
				return "", false, 0, false
			}
			end++
		}
		if end == i && end < len(s) {
			return "", false, 0, false
		}
		tok, i = s[i:end], end
	}
	if i >= len(s) || strings.IndexByte(stop, s[i]) < 0 {
		return "", false, 0, false
	}
	return tok, quoted, i, true
}
