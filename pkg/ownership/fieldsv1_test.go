package ownership

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

// fieldsCorpus are the files whose objects' managedFields the API server wrote.
var fieldsCorpus = []string{
	"../check/testdata/handedits/*.yaml",
	"../../webhook/testdata/bench/*.json",
	"../diff/testdata/*.live.json",
}

// corpusFields returns the fieldsV1 JSON of every managedFields entry of fieldsCorpus.
func corpusFields(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range fieldsCorpus {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for i, doc := range strings.Split(string(data), "\n---\n") {
				var obj map[string]any
				if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
					t.Fatal(err)
				}
				md, _ := obj["metadata"].(map[string]any)
				list, _ := md["managedFields"].([]any)
				for j, e := range list {
					if e.(map[string]any)["fieldsV1"] == nil {
						continue
					}
					raw, err := json.Marshal(e.(map[string]any)["fieldsV1"])
					if err != nil {
						t.Fatal(err)
					}
					out[filepath.Base(file)+"/"+strings.Repeat("+", i)+e.(map[string]any)["manager"].(string)+"/"+string(rune('0'+j))] = raw
				}
			}
		}
	}
	if len(out) < 20 {
		t.Fatalf("found %d fieldsV1 in the corpus, want more", len(out))
	}
	return out
}

// ownedField is a Field as text, to compare.
type ownedField struct {
	Path   string
	Item   any
	IsItem bool
	Leaf   bool
}

// fieldsOf returns the fields of raw read by readSorted, whether it could, and as readSet
// reads them.
func fieldsOf(t testing.TB, raw []byte) (sorted []ownedField, ok bool, set []ownedField, setErr error) {
	t.Helper()
	text := func(o *Owners) []ownedField {
		var out []ownedField
		for _, f := range o.fields {
			out = append(out, ownedField{Path: f.path.String(), Item: f.item, IsItem: f.isItem, Leaf: f.leaf})
		}
		return out
	}
	a, b := &Owners{}, &Owners{}
	ok = a.readSorted(string(raw), 0)
	setErr = b.readSet(raw, 0)
	return text(a), ok, text(b), setErr
}

// TestReadSortedAsFieldpath checks that readSorted reads the fieldsV1 the API server wrote
// (every entry of the corpus) as structured-merge-diff's fieldpath.Set does, field for field
// and in the same order, and that it gives up, leaving the fields to fieldpath, on the forms
// it does not read.
func TestReadSortedAsFieldpath(t *testing.T) {
	for name, raw := range corpusFields(t) {
		t.Run(name, func(t *testing.T) {
			got, ok, want, err := fieldsOf(t, raw)
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatalf("readSorted gave up on fieldsV1 the API server wrote: %s", raw)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fields (-fieldpath +readSorted):\n%s", diff)
			}
		})
	}
	tests := []struct {
		name   string
		raw    string
		wantOK bool
	}{
		{"empty", `{}`, true},
		{"owned and children", `{"f:a":{".":{},"f:b":{}},"f:c":{}}`, true},
		{"children only", `{"f:a":{"f:b":{"f:c":{}}}}`, true},
		{"keys of numbers and booleans", `{"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{}},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{}}}`, true},
		{"keys out of name order", `{"f:ports":{"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{}}}`, true},
		{"values", `{"f:finalizers":{".":{},"v:3":{},"v:\"a\"":{},"v:\"b\"":{},"v:true":{}}}`, true},
		{"values out of order", `{"f:finalizers":{"v:\"a\"":{},"v:3":{}}}`, false},
		{"a value with children", `{"f:l":{"v:\"a\"":{"f:x":{}}}}`, true},
		{"indexes", `{"f:l":{"i:0":{},"i:2":{"f:x":{}}}}`, true},
		{"every kind, in order", `{"f:l":{"f:z":{},"k:{\"a\":1}":{},"v:1":{},"i:0":{}}}`, true},
		{"an unknown element", `{"f:a":{"x:y":{}},"z:q":{"f:b":{}}}`, true},
		{"escaped names", `{"f:a\"b":{},"f:c\u00e9":{}}`, true},
		{"out of order", `{"f:b":{},"f:a":{}}`, false},
		{"repeated", `{"f:a":{"f:x":{}},"f:a":{"f:y":{}}}`, false},
		{"a key of an object", `{"f:l":{"k:{\"a\":{\"b\":1}}":{}}}`, false},
		{"a null key", `{"f:l":{"k:{\"a\":null}":{}}}`, false},
		{"a bad index", `{"f:l":{"i:x":{}}}`, false},
		{"a value with more after it", `{"f:l":{"v:1 2":{}}}`, false},
		{"keys not an object", `{"f:l":{"k:[1]":{}}}`, false},
		{"keys with more after them", `{"f:l":{"k:{\"a\":1} 2":{}}}`, false},
		{"keys, then more keys", `{"f:l":{"k:{\"a\":1}":{},"k:{\"a\":1,\"b\":1}":{}}}`, true},
		{"more keys, then fewer", `{"f:l":{"k:{\"a\":1,\"b\":1}":{},"k:{\"a\":1}":{}}}`, false},
		{"keys repeated", `{"f:l":{"k:{\"a\":1}":{},"k:{\"a\":1}":{}}}`, false},
		{"booleans in order", `{"f:l":{"v:false":{},"v:true":{}}}`, true},
		{"booleans out of order", `{"f:l":{"v:true":{},"v:false":{}}}`, false},
		{"a boolean repeated", `{"f:l":{"v:true":{},"v:true":{}}}`, false},
		{"keys alike but the last", `{"f:l":{"k:{\"a\":1,\"b\":1}":{},"k:{\"a\":1,\"b\":2}":{}}}`, true},
		{"no colon", `{"fa":{}}`, false},
		{"an empty field name", `{"f:":{}}`, true},
		{"not an object", `[]`, false},
		{"whitespace", " {\n \"f:a\" : { \".\" : { } , \"f:b\":{}\t} }\r\n", true},
		{"a member that is not an object", `{"f:a":{".":null}}`, false},
		{"a space and UTF-8 in names", `{"f:a b":{},"f:é":{},"f:😀":{}}`, true},
		{"invalid UTF-8", "{\"f:a\xff\":{}}", false},
		{"a lone continuation byte", "{\"f:a\x80\":{}}", false},
		{"an escape at the end", `{"f:a\`, false},
		{"a bad escape", `{"f:a\q":{}}`, false},
		{"a control character", "{\"f:a\x01\":{}}", false},
		{"unterminated", `{"f:a":{}`, false},
		{"an unterminated name", `{"f:a`, false},
		{"a NUL after the object", "{}\x00", false},
		{"nested as deep as jsontext and fieldpath read", nested(`{"f:a":`, maxDepth), true},
		{"nested deeper", nested(`{"f:a":`, maxDepth+1), false},
		{"an unknown element as deep", `{"x:y":` + nested(`{"a":`, maxDepth-1) + `}`, true},
		{"an unknown element deeper", `{"x:y":` + nested(`{"a":`, maxDepth) + `}`, false},
		{"a dot as deep", `{".":` + nested(`{"a":`, maxDepth-1) + `}`, true},
		{"a dot deeper", `{".":` + nested(`{"a":`, maxDepth) + `}`, false},
		{"trailing data", `{} {}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, want, err := fieldsOf(t, []byte(tt.raw))
			if ok != tt.wantOK {
				t.Fatalf("readSorted read it: %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if err != nil {
				t.Fatalf("readSorted read what fieldpath rejects: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fields (-fieldpath +readSorted):\n%s", diff)
			}
		})
	}
}

// nested returns depth objects nested, each but the innermost opened with open.
func nested(open string, depth int) string {
	return strings.Repeat(open, depth-1) + "{}" + strings.Repeat("}", depth-1)
}

// FuzzReadSorted checks that whatever readSorted reads, fieldpath reads alike.
func FuzzReadSorted(f *testing.F) {
	for _, raw := range corpusFields(f) {
		f.Add(raw)
	}
	f.Add([]byte(`{"f:l":{"f:z":{},"k:{\"a\":1}":{},"v:1":{},"i:0":{}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok, want, err := fieldsOf(t, raw)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("readSorted read what fieldpath rejects: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("fields (-fieldpath +readSorted):\n%s", diff)
		}
	})
}
