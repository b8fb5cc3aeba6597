package manifest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
)

// maxDirectDepth is how deep a document's values may nest for yamlValue to convert them; a
// deeper document takes the JSON round trip, whose decoder has limits of its own.
const maxDirectDepth = 1000

// yamlValue decodes one YAML document into the value that sigs.k8s.io/yaml's
// YAMLToJSONStrict followed by decodeObject's JSON decode gives (maps of strings, slices,
// strings, booleans, int64, float64, nil), without writing and parsing JSON in between: a
// third of the time and allocations of reading a manifest went to that round trip.
//
// It converts only what has one obvious JSON form: string keys, UTF-8 strings, booleans,
// integers and finite floats, nulls, maps and sequences. For anything else (a key that is not
// a string, a string that is not UTF-8, an infinity, a timestamp, a YAML error) ok is false,
// and the caller takes the round trip, which decides what it means.
//
// A document that is a mapping, as manifests are, is decoded into yaml.MapSlice values,
// whose mappings are slices rather than map[interface{}]interface{}: the decoder neither hashes
// nor grows a map for each, and jsonValue sizes each map it builds. A MapSlice keeps
// duplicate keys, which jsonValue leaves to the round trip as UnmarshalStrict would have
// refused them. It is used only for a document that starts with a plain or quoted key (see
// startsPlain): a MapSlice also decodes some sequences ("[]", a list of {key, value}). Nor is
// it used for one that may hold a merge key ("<<"), which a MapSlice does not merge as a map
// does.
func yamlValue(text []byte) (v any, ok bool) {
	if startsPlain(text) && !bytes.Contains(text, []byte("<<")) {
		var doc yamlv2.MapSlice
		if err := yamlv2.UnmarshalStrict(text, &doc); err == nil && doc != nil {
			return jsonValue(doc, 0)
		}
	}
	var y any
	if err := yamlv2.UnmarshalStrict(text, &y); err != nil {
		return nil, false
	}
	return jsonValue(y, 0)
}

// startsPlain reports whether the first character of text that is not blank or in a comment
// is a letter, a digit or a quote: whether the document is a block mapping (or a scalar),
// not a sequence ("-", "["), a flow mapping, or a node with a tag, an anchor or an alias, nor
// does it start with a directive or a marker ("%", "---").
func startsPlain(text []byte) bool {
	for len(text) > 0 {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		text = rest
		line = bytes.TrimLeft(line, " \t\r")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		c := line[0]
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '"' || c == '\''
	}
	return false
}

// jsonValue returns the value that y, as go.yaml.in/yaml/v2 decodes a document into an
// interface{}, has after json.Marshal and apimachinery's util/json.Unmarshal, and false where
// yamlValue leaves that to them.
func jsonValue(y any, depth int) (any, bool) {
	if depth > maxDirectDepth {
		return nil, false
	}
	switch y := y.(type) {
	case nil, bool:
		return y, true
	case string:
		return y, utf8.ValidString(y) // json.Marshal replaces each invalid byte with U+FFFD
	case int:
		return int64(y), true
	case int64:
		return y, true
	case uint64:
		return jsonNumber(strconv.FormatUint(y, 10)), true
	case float64:
		b, err := json.Marshal(y) // fails for NaN and infinities
		if err != nil {
			return nil, false
		}
		return jsonNumber(string(b)), true
	case map[any]any:
		m := make(map[string]any, len(y))
		for k, v := range y {
			ks, ok := k.(string)
			if !ok || !utf8.ValidString(ks) {
				return nil, false
			}
			if m[ks], ok = jsonValue(v, depth+1); !ok {
				return nil, false
			}
		}
		return m, true
	case yamlv2.MapSlice: // a mapping as yamlValue decodes it
		m := make(map[string]any, len(y))
		for _, item := range y {
			ks, ok := item.Key.(string)
			if !ok || !utf8.ValidString(ks) {
				return nil, false
			}
			if _, dup := m[ks]; dup {
				return nil, false
			}
			if m[ks], ok = jsonValue(item.Value, depth+1); !ok {
				return nil, false
			}
		}
		return m, true
	case []any:
		s := make([]any, len(y))
		for i, v := range y {
			var ok bool
			if s[i], ok = jsonValue(v, depth+1); !ok {
				return nil, false
			}
		}
		return s, true
	}
	return nil, false
}

// jsonNumber decodes the JSON number s as util/json.Unmarshal does (sigs.k8s.io/json's
// PreserveInts): an int64 if s has no "." and fits, else a float64.
func jsonNumber(s string) any {
	if !strings.Contains(s, ".") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	f, _ := strconv.ParseFloat(s, 64) // s is json.Marshal's or FormatUint's: it parses
	return f
}
