package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
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

// decodeYAML decodes the YAML documents of text, whose first line is line first of the file, as
// kubectl's YAMLReader and YAMLToJSONDecoder do, but strictly: a duplicate mapping key is a
// syntax error, where kubectl keeps the last value: which of the two was meant is anybody's
// guess. YAMLToJSONStrict differs from the YAMLToJSON kubectl uses only by those errors.
//
// YAMLReader ends a document at a separator line only if the document has a line: a separator
// that starts a document (the stream's first line, or one right after the separator that ended
// the previous document) is the document's first line, which the YAML parser then reads,
// usually as a document start marker.
func (r *reading) decodeYAML(text []byte, first int) {
	chunks, errs := splitYAML(r.file, text)
	for _, e := range errs {
		e.Line += first - 1
	}
	r.errs = append(r.errs, errs...)
	var (
		off  int  // where the separator before chunk i, then chunk i, starts in text
		open bool // whether kubectl's reader holds lines when it reaches the next separator
	)
	for i, c := range chunks {
		c.first += first - 1
		src := chunk{first: c.first, data: c.data} // what kubectl's reader reads: c, or more
		from := off
		if i > 0 {
			sep, _, _ := bytes.Cut(text[off:], []byte("\n"))
			off = min(off+len(sep)+1, len(text))
			if open || !validSeparator(sep) {
				from = off // the separator ended a document, or is an error
			} else {
				src.first-- // the separator is the document's first line
			}
		}
		off += len(c.data)
		src.data = text[from:off]
		open = len(src.data) > 0
		r.decodeChunk(src, c)
	}
}

// validSeparator reports whether l, a line starting with "---", is a valid separator: only a
// comment may follow the three dashes.
func validSeparator(l []byte) bool {
	rest := bytes.TrimSpace(l[len("---"):])
	return len(rest) == 0 || rest[0] == '#'
}

// decodeChunk decodes the document of chunk c. src is the text kubectl's reader reads for it:
// c, or c after its separator line.
func (r *reading) decodeChunk(src, c chunk) {
	text := documentText(src.data, r.lines)
	if n := lineCount(src.data); n > bytes.Count(text, []byte("\n")) {
		r.warn(src.first+n-1, "kubectl ignores this last line: its line reader drops some long lines "+
			"that have no newline; end the file with a newline")
	}
	if text == nil {
		return
	}
	v, direct := yamlValue(text)
	var j []byte
	if !direct {
		var err error
		if j, err = yaml.YAMLToJSONStrict(text); err != nil {
			r.errs = append(r.errs, yamlErrors(r.file, src.first, err)...)
			return
		}
	}
	if line, ok := afterEnd(c); ok {
		r.warn(line, `kubectl ignores this line and the rest of its document: it follows a document end marker ("..."); start a new document with "---"`)
	}
	line, ok := contentLine(c)
	if !ok {
		line = c.first
	}
	if direct {
		r.addValue(line, v)
		return
	}
	r.add(line, j)
}

// documentText returns the text kubectl's YAMLReader returns for the document read from src,
// or nil if there is none: every line ends with "\n" (its LineReader cuts "\n" or "\r\n" and
// appends "\n"). Reading src alone gives what reading the whole stream gives: src holds no
// separator line but maybe its first, which the reader takes as the document's, and the reader
// treats each line by itself. lines is the bufio.Reader to use: of the default size, 4,096
// bytes, as kubectl's, since a line that long is read in pieces.
func documentText(data []byte, lines *bufio.Reader) []byte {
	if text, ok := plainText(data); ok {
		return text
	}
	return kubectlText(data, lines)
}

// maxPlainLine is the length from which plainText leaves a line to kubectl's reader: well
// under the 4,096 bytes of its buffer, which reads longer lines in pieces.
const maxPlainLine = 4000

// plainText returns what kubectl's YAMLReader returns for data, without reading it line by
// line (which allocates each line twice, 3 MB for the 1,000 files of the macro benchmark),
// when data is plain: not empty, no "\r", no line of maxPlainLine bytes or more, no line
// starting with "---". Each line is then read as it is and ends with "\n", as the reader
// ends it: data itself, or a copy with a "\n" after its last line. ok is false otherwise.
func plainText(data []byte) (text []byte, ok bool) {
	if len(data) == 0 || bytes.IndexByte(data, '\r') >= 0 {
		return nil, false
	}
	for rest := data; len(rest) > 0; {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		if len(line) >= maxPlainLine || bytes.HasPrefix(line, []byte("---")) {
			return nil, false
		}
		rest = after
	}
	if data[len(data)-1] == '\n' {
		return data, true
	}
	return append(data[:len(data):len(data)], '\n'), true
}

// kubectlText is documentText, read as kubectl reads it.
func kubectlText(data []byte, lines *bufio.Reader) []byte {
	lines.Reset(bytes.NewReader(data))
	text, err := utilyaml.NewYAMLReader(lines).Read()
	if err != nil { // io.EOF, for no line: a bytes.Reader fails with nothing else
		return nil
	}
	return text
}

// lineCount returns the number of lines of data, the last one ended by "\n" or not.
func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
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

// afterEnd returns the file line of the first content that follows a document end marker
// ("...") in c, which kubectl ignores: its YAML parser reads one document. Only a chunk that
// parses is asked, and in one, every "..." at the start of a line is such a marker.
func afterEnd(c chunk) (int, bool) {
	data, ended := c.data, false
	for line := c.first; len(data) > 0; line++ {
		l, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if isDocumentEnd(l) {
			ended = true
			continue
		}
		if l = bytes.Trim(l, " \t\r"); ended && len(l) > 0 && l[0] != '#' {
			return line, true
		}
	}
	return 0, false
}

// isDocumentEnd reports whether l, a line without its "\n", is a document end marker.
func isDocumentEnd(l []byte) bool {
	rest, ok := bytes.CutPrefix(l, []byte("..."))
	return ok && (len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r')
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
	return asObject(v)
}

// asObject returns v, a decoded JSON document, as an object: nil for null, and an error for
// anything but an object.
func asObject(v any) (map[string]any, error) {
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
