package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// document is one decoded document of a file, not yet checked.
type document struct {
	// line is the file line where the document's content starts.
	line int
	obj  map[string]any
}

// chunk is the text of one YAML document, between "---" separators.
type chunk struct {
	// first is the file line of the chunk's first line.
	first int
	data  []byte
}

// decodeYAML splits data, the contents of file, into documents and decodes them. Duplicate
// mapping keys are syntax errors: which of the two values was meant is anybody's guess.
func decodeYAML(file string, data []byte) ([]document, []*Error) {
	chunks, errs := splitYAML(file, data)
	var docs []document
	for _, c := range chunks {
		line, ok := contentLine(c)
		if !ok {
			continue // empty or comment-only
		}
		j, err := yaml.YAMLToJSONStrict(c.data)
		if err != nil {
			errs = append(errs, yamlErrors(file, c.first, err)...)
			continue
		}
		obj, err := decodeObject(j)
		if err != nil {
			errs = append(errs, &Error{File: file, Line: line, Err: err})
			continue
		}
		if obj != nil {
			docs = append(docs, document{line: line, obj: obj})
		}
	}
	return docs, errs
}

// splitYAML cuts data at "---" lines, as k8s.io/apimachinery's YAMLReader does: only a comment
// may follow the three dashes on a separator line.
func splitYAML(file string, data []byte) ([]chunk, []*Error) {
	var (
		chunks []chunk
		errs   []*Error
		start  = 0
		first  = 1
	)
	for off, line := 0, 1; off < len(data); line++ {
		next := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		if rest, ok := bytes.CutPrefix(data[off:next], []byte("---")); ok {
			rest = bytes.TrimSpace(rest)
			if len(rest) > 0 && rest[0] != '#' {
				err := fmt.Errorf("invalid YAML: document separator followed by %q", rest)
				errs = append(errs, &Error{File: file, Line: line, Err: err})
			}
			chunks = append(chunks, chunk{first: first, data: data[start:off]})
			start, first = next, line+1
		}
		off = next
	}
	return append(chunks, chunk{first: first, data: data[start:]}), errs
}

// contentLine returns the file line of the first line of c that is neither blank nor a comment,
// and false when there is none.
func contentLine(c chunk) (int, bool) {
	data := c.data
	for line := c.first; len(data) > 0; line++ {
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		l = bytes.TrimSpace(l)
		if len(l) > 0 && l[0] != '#' {
			return line, true
		}
		data = rest
	}
	return 0, false
}

// yamlErrors turns err, the parser's error for the chunk starting at file line first, into
// Errors whose lines are file lines. The parser numbers lines from the chunk's start and leaves
// the number out on the chunk's first line.
func yamlErrors(file string, first int, err error) []*Error {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	lines := []string{msg}
	if rest, ok := strings.CutPrefix(msg, "unmarshal errors:\n"); ok {
		lines = strings.Split(rest, "\n")
	}
	errs := make([]*Error, 0, len(lines))
	for _, l := range lines {
		n, text := cutLineNumber(strings.TrimSpace(l))
		se := &syntaxError{msg: "invalid YAML: " + text, err: err}
		errs = append(errs, &Error{File: file, Line: first + n - 1, Err: se})
	}
	return errs
}

// cutLineNumber splits "line N: text" into N and text; without such a prefix it returns 1 and msg.
func cutLineNumber(msg string) (int, string) {
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 1, msg
	}
	digits, text, ok := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(digits)
	if !ok || err != nil || n < 1 {
		return 1, msg
	}
	return n, text
}

// decodeJSON decodes data, the contents of file, as a stream of JSON values.
func decodeJSON(file string, data []byte) ([]document, []*Error) {
	var docs []document
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, []*Error{jsonError(file, data, err)}
		}
		line := lineAt(data, dec.InputOffset()-int64(len(raw)))
		obj, err := decodeObject(raw)
		if err != nil {
			return nil, []*Error{{File: file, Line: line, Err: err}}
		}
		if obj != nil {
			docs = append(docs, document{line: line, obj: obj})
		}
	}
}

// jsonError places err, a JSON decoder's error for data, at its file line.
func jsonError(file string, data []byte, err error) *Error {
	offset := int64(len(data))
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = &syntaxError{msg: "unexpected end of file", err: err}
	}
	return &Error{File: file, Line: lineAt(data, offset), Err: fmt.Errorf("invalid JSON: %w", err)}
}

// lineAt returns the 1-based line of the byte at offset in data.
func lineAt(data []byte, offset int64) int {
	offset = min(max(offset, 0), int64(len(data)))
	return 1 + bytes.Count(data[:offset], []byte("\n"))
}

// decodeObject decodes one JSON document with int64 and float64 numbers. It returns nil for
// null, and an error for anything but an object.
func decodeObject(data []byte) (map[string]any, error) {
	var v any
	if err := utiljson.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	default:
		return nil, fmt.Errorf("document is a %s, not an object", jsonType(v))
	}
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	default:
		return "number"
	}
}
