package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// This file reads a file or stream into documents as kubectl v1.37 does, so that what
// gitops-drift loads is what `kubectl apply -f` stores. In k8s.io/cli-runtime
// (pkg/resource/visitor.go), FileVisitor decodes the file's bytes with
// unicode.BOMOverride(unicode.UTF8.NewDecoder()), and StreamVisitor reads the text with
// apimachinery's yaml.NewYAMLOrJSONDecoder(text, 4096) (k8s.io/apimachinery/pkg/util/yaml):
// JSON if the first non-space byte of the first 4,096 is "{", else YAML documents split at
// "---" lines by YAMLReader, whose LineReader ends every line with "\n". A document that decodes
// to nothing or null is skipped; any other that is not an object is an error.

// sniffSize is how much of a stream kubectl looks at to tell JSON from YAML: the buffer size
// that StreamVisitor gives NewYAMLOrJSONDecoder.
const sniffSize = 4096

// reading is what reading one file or stream produced.
type reading struct {
	// file names the file in documents, errors and warnings.
	file string
	// lines is the buffered reader under kubectl's line reader, reused from file to file.
	lines *bufio.Reader
	// each, if set, takes every document as it is decoded, in place of docs.
	each     func(document)
	docs     []document
	errs     []*Error
	warnings []Warning
}

// fail records a problem at a line of the file.
func (r *reading) fail(line int, err error) {
	r.errs = append(r.errs, &Error{File: r.file, Line: line, Err: err})
}

// add keeps the document whose JSON is data, found at a line of the file: null is no
// document, and anything but an object is a problem at that line.
func (r *reading) add(line int, data []byte) {
	obj, err := decodeObject(data)
	r.keep(line, obj, err)
}

// addValue keeps the document decoded as v (yamlValue's), found at a line of the file, as add
// does.
func (r *reading) addValue(line int, v any) {
	obj, err := asObject(v)
	r.keep(line, obj, err)
}

// keep keeps obj, a document found at a line of the file, unless it is nil (null) or err
// says why it is not an object.
func (r *reading) keep(line int, obj map[string]any, err error) {
	if err != nil {
		r.fail(line, err)
		return
	}
	switch {
	case obj == nil:
	case r.each != nil:
		r.each(document{line: line, obj: obj})
	default:
		r.docs = append(r.docs, document{line: line, obj: obj})
	}
}

// warn records something odd at a line of the file.
func (r *reading) warn(line int, format string, args ...any) {
	r.warnings = append(r.warnings, Warning{File: r.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// readFile reads data, the contents of a manifest file, as kubectl reads a file. A file whose
// name ends in .json and that kubectl takes for JSON is read as JSON only: where kubectl would
// read the rest of it as YAML after a JSON syntax error, that error is reported instead. lines
// is the buffered reader to read lines with; it needs the default size, kubectl's.
func readFile(lines *bufio.Reader, file string, data []byte, jsonName bool) *reading {
	r := &reading{file: file, lines: lines}
	text := r.fileText(data)
	if jsonName && isJSON(text) {
		r.decodeJSON(text)
		return r
	}
	r.readStream(text)
	return r
}

// readStream reads text, an in-memory stream such as a Kustomize build's output, as kubectl's
// StreamVisitor does, with lines as readFile.
func readStream(lines *bufio.Reader, file string, text []byte) *reading {
	r := &reading{file: file, lines: lines}
	r.readStream(text)
	return r
}

// fileText returns the text of a file as kubectl's FileVisitor reads it: a UTF-8 byte order
// mark dropped, UTF-16 with a byte order mark decoded, and, without a byte order mark, bytes
// that are not UTF-8 replaced by U+FFFD, which gets a warning.
func (r *reading) fileText(data []byte) []byte {
	if utf8.Valid(data) && !bytes.HasPrefix(data, []byte("\ufeff")) {
		return data // what the transformer returns unchanged; spares a copy of every file
	}
	text, _, err := transform.Bytes(xunicode.BOMOverride(xunicode.UTF8.NewDecoder()), data)
	if err != nil { // not expected: these decoders replace what they cannot decode
		r.fail(0, fmt.Errorf("decode text: %w", err))
		return nil
	}
	if !hasBOM(data) {
		r.warn(lineAt(data, int64(firstInvalid(data))), "not UTF-8: invalid bytes read as U+FFFD, as kubectl reads them")
	}
	return text
}

// hasBOM reports whether data starts with a byte order mark that BOMOverride acts on.
func hasBOM(data []byte) bool {
	for _, bom := range []string{"\ufeff", "\xff\xfe", "\xfe\xff"} {
		if bytes.HasPrefix(data, []byte(bom)) {
			return true
		}
	}
	return false
}

// firstInvalid returns the offset of the first byte of data that is not part of valid UTF-8.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		c, size := utf8.DecodeRune(data[i:])
		if c == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// isJSON reports whether kubectl takes text for a JSON stream.
func isJSON(text []byte) bool {
	return utilyaml.IsJSONBuffer(text[:min(len(text), sniffSize)])
}

// readStream reads text as YAMLOrJSONDecoder does. A JSON stream is read value by value; at a
// JSON error, if at most one value was read, the decoder reads the rest as YAML, from where
// yamlStart says.
func (r *reading) readStream(text []byte) {
	if !isJSON(text) {
		r.decodeYAML(text, 1)
		return
	}
	values, end, err := r.jsonValues(text)
	if err == nil {
		return
	}
	start, ok := yamlStart(text, end)
	if values > 1 || !ok {
		r.errs = append(r.errs, jsonError(r.file, text, err))
		return
	}
	r.decodeYAML(text[start:], lineAt(text, int64(start)))
}

// yamlStart returns where YAMLOrJSONDecoder's consumeWhitespace leaves the stream after a JSON
// error following the value that ends at end: past spaces, up to and including the first
// newline. It reads 4 bytes at a time, so it returns false, and kubectl reports the JSON error,
// when fewer than 4 bytes are left, and at U+FFFD or bytes that are not UTF-8.
func yamlStart(text []byte, end int64) (int, bool) {
	for p := int(end); len(text)-p >= 4; {
		c, size := utf8.DecodeRune(text[p : p+4])
		if c == utf8.RuneError {
			return 0, false
		}
		if !unicode.IsSpace(c) {
			return p, true
		}
		p += size
		if c == '\n' {
			return p, true
		}
	}
	return 0, false
}

// decodeJSON decodes text as a stream of JSON values.
func (r *reading) decodeJSON(text []byte) {
	if _, _, err := r.jsonValues(text); err != nil {
		r.errs = append(r.errs, jsonError(r.file, text, err))
	}
}

// jsonValues decodes the JSON values at the start of text, with the json.Decoder that
// YAMLOrJSONDecoder uses, until the end or the first syntax error. It returns how many values
// it read, the offset where the last one ends, and the error, if any. A value that is neither
// an object nor null is an error of its document.
func (r *reading) jsonValues(text []byte) (int, int64, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	var n int
	for {
		end := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return n, end, nil
		}
		if err != nil {
			return n, end, err
		}
		n++
		r.add(lineAt(text, dec.InputOffset()-int64(len(raw))), raw)
	}
}
