package diff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ParsePath reads a path in the notation of Path.String, for example
// spec.template.spec.containers[name=frontend].image or metadata.labels["app.kubernetes.io/name"].
// Field names that are not quoted may hold any character but . [ ] = " and spaces. The empty
// string is an error.
func ParsePath(s string) (Path, error) {
	if s == "" {
		return nil, fmt.Errorf("parse path %q: empty path", s)
	}
	p := make(Path, 0, strings.Count(s, ".")+strings.Count(s, "[")+1)
	for i := 0; i < len(s); {
		if s[i] == '[' {
			seg, next, err := parseBracket(s, i)
			if err != nil {
				return nil, err
			}
			p, i = append(p, seg), next
			continue
		}
		if len(p) > 0 {
			if s[i] != '.' {
				return nil, pathError(s, i, "want \".\" or \"[\" after a segment, got %q", s[i])
			}
			i++
		}
		end := i + strings.IndexAny(s[i:], ".[")
		if end < i {
			end = len(s)
		}
		name := s[i:end]
		if name == "" {
			return nil, pathError(s, i, "empty field name")
		}
		if j := strings.IndexAny(name, "]=\" \t\n"); j >= 0 {
			return nil, pathError(s, i+j, "%q in a field name: bracket-quote the name, as [%q]", name[j], name)
		}
		p, i = append(p, Segment{Kind: FieldSegment, Name: name}), end
	}
	return p, nil
}

// ParsePaths reads a comma-separated list of paths, as given to --ignore-fields. Commas inside
// [...] belong to a path. Blank entries are skipped.
func ParsePaths(csv string) ([]Path, error) {
	var paths []Path
	depth, quoted, escaped, start := 0, false, false, 0
	for i := 0; i <= len(csv); i++ {
		if i < len(csv) {
			c := csv[i]
			switch {
			case quoted:
				quoted, escaped = escaped || c != '"', !escaped && c == '\\'
				continue
			case c == '"':
				quoted = true
			case c == '[':
				depth++
			case c == ']' && depth > 0:
				depth--
			}
			if c != ',' || depth > 0 {
				continue
			}
		}
		if entry := strings.TrimSpace(csv[start:i]); entry != "" {
			p, err := ParsePath(entry)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
		start = i + 1
	}
	return paths, nil
}

// parseBracket reads the segment that starts with the "[" at s[i], and returns it with the
// offset just after its "]".
func parseBracket(s string, i int) (Segment, int, error) {
	tok, quoted, j, err := parseToken(s, i+1, "=]")
	if err != nil {
		return Segment{}, 0, err
	}
	if s[j] == ']' {
		seg, err := selector(s, i, tok, quoted)
		return seg, j + 1, err
	}
	seg := Segment{Kind: KeyedSegment}
	for {
		if s[j] != '=' {
			return Segment{}, 0, pathError(s, j, "want \"=\" after key %q", tok)
		}
		val, _, k, err := parseToken(s, j+1, ",]")
		if err != nil {
			return Segment{}, 0, err
		}
		if slices.ContainsFunc(seg.Keys, func(kv KeyValue) bool { return kv.Name == tok }) {
			return Segment{}, 0, pathError(s, j, "key %q given twice", tok)
		}
		seg.Keys = append(seg.Keys, KeyValue{Name: tok, Value: val})
		if s[k] == ']' {
			return seg, k + 1, nil
		}
		if tok, _, j, err = parseToken(s, k+1, "=]"); err != nil {
			return Segment{}, 0, err
		}
	}
}

// selector turns the text of a bracket without "=" into a segment: ["field"], [2] or [*].
func selector(s string, i int, tok string, quoted bool) (Segment, error) {
	switch {
	case quoted:
		return Segment{Kind: FieldSegment, Name: tok}, nil
	case tok == "*":
		return Segment{Kind: WildcardSegment}, nil
	case strings.Trim(tok, "0123456789") == "":
		n, err := strconv.Atoi(tok)
		if err != nil {
			return Segment{}, pathError(s, i+1, "list index %s out of range", tok)
		}
		return Segment{Kind: IndexSegment, Index: n}, nil
	}
	return Segment{}, pathError(s, i, "want [N], [*], [key=value] or [\"field\"], got [%s]", tok)
}

// parseToken reads a quoted string or a run of plain characters starting at s[i], up to one of
// stop, and returns it, whether it was quoted, and the offset of the stop character.
func parseToken(s string, i int, stop string) (tok string, quoted bool, next int, err error) {
	if i < len(s) && s[i] == '"' {
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			return "", false, 0, pathError(s, i, "bad quoted string")
		}
		tok, _ = strconv.Unquote(q)
		i, quoted = i+len(q), true
	} else {
		end := i
		for end < len(s) && !strings.ContainsRune(stop, rune(s[end])) {
			if strings.ContainsRune(",[]=\" \t\n", rune(s[end])) {
				return "", false, 0, pathError(s, end, "%q must be quoted inside [...]", s[end])
			}
			end++
		}
		if end == i && end < len(s) {
			return "", false, 0, pathError(s, i, "empty key or value inside [...]")
		}
		tok, i = s[i:end], end
	}
	if i >= len(s) {
		return "", false, 0, pathError(s, i, "unterminated \"[\"")
	}
	if !strings.ContainsRune(stop, rune(s[i])) {
		return "", false, 0, pathError(s, i, "want one of %q, got %q", stop, s[i])
	}
	return tok, quoted, i, nil
}

func pathError(s string, offset int, format string, args ...any) error {
	return fmt.Errorf("parse path %q: at offset %d: %s", s, offset, fmt.Sprintf(format, args...))
}
