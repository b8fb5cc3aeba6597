package manifest_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// readCase is a file that gitops-drift must read as `kubectl apply -f` reads it: the same
// objects, byte for byte, or a refusal where kubectl refuses. TestReadAsKubectl checks what
// gitops-drift reads; TestKubectlApply applies the file with kubectl and compares.
type readCase struct {
	// file is the file's name; a *.json file is read as JSON only.
	file string
	data string
	// want are the ConfigMaps read, in the Set's order; nil when the file is refused.
	want []loaded
	// wantErrs are the load errors of a refused file.
	wantErrs []string
	// wantWarnings are the warnings of a file that loads.
	wantWarnings []string
	// kubectlApplies marks a refused file that kubectl applies nevertheless, a difference
	// chosen on purpose (see DECISIONS.md).
	kubectlApplies bool
}

// loaded is a ConfigMap as read: its name, line and data.
type loaded struct {
	Name string
	Line int
	Data map[string]string
}

// configMap starts a ConfigMap manifest, up to "data:"; its data follow on line 6.
func configMap(name string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n"
}

// jsonConfigMap is a ConfigMap with one data key, as one line of JSON.
func jsonConfigMap(name, key, value string) string {
	return `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "` + name + `"}, "data": {"` +
		key + `": "` + value + `"}}`
}

// crlf ends the lines of s with "\r\n".
func crlf(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }

// utf16LE encodes s as UTF-16, little-endian, after a byte order mark.
func utf16LE(s string) string {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// utf16BE encodes s as UTF-16, big-endian, after a byte order mark.
func utf16BE(s string) string {
	b := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

// readCases are the files that kubectl reads in ways worth pinning. Lines in comments are
// file lines.
func readCases() []readCase {
	long := strings.Repeat("x", 4091) // "  a: " and this: a line of 4,096 bytes
	return []readCase{{
		file: "clip.yaml", // a block scalar on the last line, without a final newline
		data: configMap("clip") + "  expr: |\n    up == 0",
		want: []loaded{{"clip", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "clip-newline.yaml",
		data: configMap("clip-newline") + "  expr: |\n    up == 0\n",
		want: []loaded{{"clip-newline", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "strip.yaml",
		data: configMap("strip") + "  expr: |-\n    up == 0",
		want: []loaded{{"strip", 1, map[string]string{"expr": "up == 0"}}},
	}, {
		file: "strip-newline.yaml",
		data: configMap("strip-newline") + "  expr: |-\n    up == 0\n",
		want: []loaded{{"strip-newline", 1, map[string]string{"expr": "up == 0"}}},
	}, {
		file: "keep.yaml",
		data: configMap("keep") + "  expr: |+\n    up == 0",
		want: []loaded{{"keep", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "keep-newline.yaml",
		data: configMap("keep-newline") + "  expr: |+\n    up == 0\n",
		want: []loaded{{"keep-newline", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "keep-blank-lines.yaml",
		data: configMap("keep-blank-lines") + "  expr: |+\n    up == 0\n\n",
		want: []loaded{{"keep-blank-lines", 1, map[string]string{"expr": "up == 0\n\n"}}},
	}, {
		file: "fold.yaml",
		data: configMap("fold") + "  expr: >\n    up\n    == 0",
		want: []loaded{{"fold", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "fold-newline.yaml",
		data: configMap("fold-newline") + "  expr: >\n    up\n    == 0\n",
		want: []loaded{{"fold-newline", 1, map[string]string{"expr": "up == 0\n"}}},
	}, {
		file: "list.yaml", // items share the List's line
		data: "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(configMap("list-a")+"  a: x\n", "\n", "\n  ") +
			"\n- " + strings.ReplaceAll(configMap("list-b")+"  a: |\n    z", "\n", "\n  "),
		want: []loaded{
			{"list-a", 1, map[string]string{"a": "x"}},
			{"list-b", 1, map[string]string{"a": "z\n"}},
		},
	}, {
		file: "crlf.yaml", // CRLF everywhere, separators included, and no final newline
		data: crlf("---\n" + configMap("crlf-a") + "  expr: |\n    up == 0\n  keep: |+\n    x\n\n---\n" +
			configMap("crlf-b") + "  fold: >-\n    a\n    b"),
		want: []loaded{
			{"crlf-a", 2, map[string]string{"expr": "up == 0\n", "keep": "x\n\n"}},
			{"crlf-b", 13, map[string]string{"fold": "a b"}},
		},
	}, {
		file: "cr.yaml", // lone CRs: one line for kubectl's line reader, line breaks for YAML
		data: configMap("cr") + "  a: |\r    x\r    y\r",
		want: []loaded{{"cr", 1, map[string]string{"a": "x\ny\n"}}},
	}, {
		file: "bom.yaml",
		data: "\ufeff" + configMap("bom") + "  a: x",
		want: []loaded{{"bom", 1, map[string]string{"a": "x"}}},
	}, {
		file: "bom-separator.yaml", // the BOM goes first: the separator is one
		data: "\ufeff---\n" + configMap("bom-separator") + "  a: x\n",
		want: []loaded{{"bom-separator", 2, map[string]string{"a": "x"}}},
	}, {
		file: "bom-later-document.yaml", // the YAML parser skips a BOM at a document's start
		data: configMap("bom-later-a") + "  a: x\n---\n\ufeff" + configMap("bom-later-b") + "  a: z\n",
		want: []loaded{
			{"bom-later-a", 1, map[string]string{"a": "x"}},
			{"bom-later-b", 8, map[string]string{"a": "z"}},
		},
	}, {
		file:     "bom-later-separator.yaml", // a BOM before "---" makes it content
		data:     configMap("bom-sep-a") + "  a: x\n\ufeff---\n" + configMap("bom-sep-b") + "  a: z\n",
		wantErrs: []string{"bom-later-separator.yaml:8: invalid YAML: could not find expected ':'"},
	}, {
		file: "bom.json",
		data: "\ufeff" + jsonConfigMap("bom-json", "a", "x"),
		want: []loaded{{"bom-json", 1, map[string]string{"a": "x"}}},
	}, {
		file: "utf16le.yaml",
		data: utf16LE(configMap("utf16le-a") + "  a: |\n    x\n---\n" + configMap("utf16le-b") + "  a: é"),
		want: []loaded{
			{"utf16le-a", 1, map[string]string{"a": "x\n"}},
			{"utf16le-b", 9, map[string]string{"a": "é"}},
		},
	}, {
		file: "utf16be.json",
		data: utf16BE(jsonConfigMap("utf16be", "a", "é")),
		want: []loaded{{"utf16be", 1, map[string]string{"a": "é"}}},
	}, {
		file:         "latin1.yaml", // not UTF-8: kubectl stores U+FFFD
		data:         configMap("latin1") + "  a: caf\xe9\n",
		want:         []loaded{{"latin1", 1, map[string]string{"a": "caf\ufffd"}}},
		wantWarnings: []string{"latin1.yaml:6: not UTF-8: invalid bytes read as U+FFFD, as kubectl reads them"},
	}, {
		file:     "latin1-bom.yaml", // after a UTF-8 BOM, kubectl replaces nothing
		data:     "\ufeff" + configMap("latin1-bom") + "  a: caf\xe9\n",
		wantErrs: []string{"latin1-bom.yaml:1: invalid YAML: incomplete UTF-8 octet sequence"},
	}, {
		file: "separators.yaml",
		data: "--- # first\n" + configMap("sep-a") + "  a: x\n---   \n# only a comment\n---\n" +
			configMap("sep-b") + "  a: z\n---\n\n---",
		want: []loaded{
			{"sep-a", 2, map[string]string{"a": "x"}},
			{"sep-b", 11, map[string]string{"a": "z"}},
		},
	}, {
		file:     "separator-text.yaml",
		data:     configMap("sep-text-a") + "  a: x\n--- text\n" + configMap("sep-text-b") + "  a: z\n",
		wantErrs: []string{`separator-text.yaml:7: invalid YAML: document separator followed by "text"`},
	}, {
		file: "separator-hash.yaml", // "---#" ends a document
		data: configMap("sep-hash-a") + "  a: x\n---#\n" + configMap("sep-hash-b") + "  a: z\n",
		want: []loaded{
			{"sep-hash-a", 1, map[string]string{"a": "x"}},
			{"sep-hash-b", 8, map[string]string{"a": "z"}},
		},
	}, {
		file:     "separator-hash-first.yaml", // and starts one that YAML reads, as a string
		data:     "---#\n" + configMap("sep-hash-first") + "  a: x\n",
		wantErrs: []string{"separator-hash-first.yaml:2: invalid YAML: mapping values are not allowed in this context"},
	}, {
		file:     "separator-dashes.yaml",
		data:     configMap("sep-dashes") + "  a: x\n----\n",
		wantErrs: []string{`separator-dashes.yaml:7: invalid YAML: document separator followed by "-"`},
	}, {
		file: "document-end.yaml", // kubectl reads one YAML document between separators
		data: configMap("end-a") + "  a: x\n...\n" + configMap("end-b") + "  a: z\n",
		want: []loaded{{"end-a", 1, map[string]string{"a": "x"}}},
		wantWarnings: []string{`document-end.yaml:8: kubectl ignores this line and the rest of its document: ` +
			`it follows a document end marker ("..."); start a new document with "---"`},
	}, {
		file:     "tab-comment.yaml", // a tab cannot start a YAML token, even before a comment
		data:     configMap("tab-comment") + "  a: x\n---\n\t# comment\n",
		wantErrs: []string{"tab-comment.yaml:8: invalid YAML: found character that cannot start any token"},
	}, {
		file:     "no-break-space.yaml", // not YAML white space: a string document
		data:     configMap("nbsp") + "  a: x\n---\n\u00a0\n",
		wantErrs: []string{"no-break-space.yaml:8: document is a string, not an object"},
	}, {
		file: "long-last-line.yaml", // kubectl's line reader drops it
		data: configMap("long-line") + "  b: z\n  a: " + long,
		want: []loaded{{"long-line", 1, map[string]string{"b": "z"}}},
		wantWarnings: []string{"long-last-line.yaml:7: kubectl ignores this last line: its line reader " +
			"drops some long lines that have no newline; end the file with a newline"},
	}, {
		file: "long-last-line-kept.yaml",
		data: configMap("long-line-kept") + "  b: z\n  a: x" + long,
		want: []loaded{{"long-line-kept", 1, map[string]string{"a": "x" + long, "b": "z"}}},
	}, {
		file:           "duplicate-key.yaml", // kubectl keeps the last value
		data:           configMap("duplicate-key") + "  a: x\n  a: z\n",
		wantErrs:       []string{`duplicate-key.yaml:7: invalid YAML: key "a" already set in map`},
		kubectlApplies: true,
	}, {
		file: "stream.json",
		data: "\n" + jsonConfigMap("stream-a", "a", "x") + "\n\n" + jsonConfigMap("stream-b", "a", "z"),
		want: []loaded{
			{"stream-a", 2, map[string]string{"a": "x"}},
			{"stream-b", 4, map[string]string{"a": "z"}},
		},
	}, {
		file: "json-stream.yaml", // JSON, whatever the name
		data: jsonConfigMap("json-stream-a", "a", `\/\u00e9`) + jsonConfigMap("json-stream-b", "a", "z"),
		want: []loaded{
			{"json-stream-a", 1, map[string]string{"a": "/é"}},
			{"json-stream-b", 1, map[string]string{"a": "z"}},
		},
	}, {
		file: "json-then-yaml.yaml", // one JSON value, then kubectl reads on as YAML
		data: jsonConfigMap("json-yaml-a", "a", "x") + "\n---\n" + configMap("json-yaml-b") + "  a: |\n    z",
		want: []loaded{
			{"json-yaml-a", 1, map[string]string{"a": "x"}},
			{"json-yaml-b", 3, map[string]string{"a": "z\n"}},
		},
	}, {
		file: "flow.yaml", // starts like JSON, is not: YAML
		data: "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow},\n data: {a: x,}}",
		want: []loaded{{"flow", 1, map[string]string{"a": "x"}}},
	}, {
		file: "json-two-then-yaml.yaml", // after two JSON values, kubectl stays with JSON
		data: jsonConfigMap("json-two-a", "a", "x") + "\n" + jsonConfigMap("json-two-b", "a", "x") +
			"\n---\n" + configMap("json-two-c"),
		wantErrs: []string{"json-two-then-yaml.yaml:3: invalid JSON: invalid character '-' in numeric literal"},
	}, {
		file:     "json-short-tail.yaml", // fewer than 4 bytes after the JSON: no YAML
		data:     jsonConfigMap("json-tail", "a", "x") + "\n#c",
		wantErrs: []string{"json-short-tail.yaml:2: invalid JSON: invalid character '#' looking for beginning of value"},
	}, {
		file: "yaml.json", // YAML, whatever the name
		data: configMap("yaml-json") + "  a: |\n    x",
		want: []loaded{{"yaml-json", 1, map[string]string{"a": "x\n"}}},
	}, {
		file:           "invalid.json", // kubectl would read it as YAML
		data:           `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": invalid-json}}`,
		wantErrs:       []string{"invalid.json:1: invalid JSON: invalid character 'i' looking for beginning of value"},
		kubectlApplies: true,
	}}
}

// TestReadAsKubectl checks what gitops-drift reads from each of readCases.
func TestReadAsKubectl(t *testing.T) {
	for _, tc := range readCases() {
		t.Run(tc.file, func(t *testing.T) {
			set, err := manifest.LoadFS(fstest.MapFS{tc.file: {Data: []byte(tc.data)}}, manifest.Options{})
			if diff := cmp.Diff(tc.wantErrs, errorMessages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, configMaps(t, set)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			var warnings []string
			for _, w := range set.Warnings() {
				warnings = append(warnings, w.String())
			}
			if diff := cmp.Diff(tc.wantWarnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// errorMessages returns the messages of the errors joined in err, or nil.
func errorMessages(err error) []string {
	if err == nil {
		return nil
	}
	var msgs []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

// configMaps returns the objects of set, all ConfigMaps, as loaded.
func configMaps(t *testing.T, set *manifest.Set) []loaded {
	t.Helper()
	var got []loaded
	for _, o := range set.Objects() {
		got = append(got, loaded{Name: o.Obj.GetName(), Line: o.Line, Data: stringData(t, o.Obj)})
	}
	return got
}

// stringData returns the data of the ConfigMap u.
func stringData(t *testing.T, u *unstructured.Unstructured) map[string]string {
	t.Helper()
	data, _, err := unstructured.NestedStringMap(u.Object, "data")
	if err != nil {
		t.Fatalf("data of %s: %v", u.GetName(), err)
	}
	return data
}
