package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// kubectlRead reads data as kubectl v1.37.2 reads a file (file true) or a Kustomize build's
// output (file false), with the library calls of k8s.io/cli-runtime v0.37.2's
// pkg/resource/visitor.go copied here: FileVisitor.Visit's decoder, StreamVisitor.Visit's loop,
// and the JSON decoding of infoForData's unstructured decoder (its kind check, and List
// handling, are the loader's business, tested elsewhere). It returns the objects, and the
// error at which kubectl stops.
func kubectlRead(data []byte, file bool) ([]map[string]any, error) {
	var in io.Reader = bytes.NewReader(data)
	if file {
		in = transform.NewReader(in, xunicode.BOMOverride(xunicode.UTF8.NewDecoder()))
	}
	d := utilyaml.NewYAMLOrJSONDecoder(in, 4096)
	var objs []map[string]any
	for {
		ext := runtime.RawExtension{}
		if err := d.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return objs, nil
			}
			return objs, err
		}
		ext.Raw = bytes.TrimSpace(ext.Raw)
		if len(ext.Raw) == 0 || bytes.Equal(ext.Raw, []byte("null")) {
			continue
		}
		obj := map[string]any{}
		if err := utiljson.Unmarshal(ext.Raw, &obj); err != nil {
			return objs, err
		}
		objs = append(objs, obj)
	}
}

// FuzzRead checks that what gitops-drift reads from a file, a *.json file or a stream is what
// kubectl reads, and that gitops-drift refuses whatever kubectl refuses. gitops-drift may
// refuse more (duplicate keys; a *.json file that is not valid JSON). Fuzz it with -short
// (no API server) and -parallel 1 on a shared machine.
func FuzzRead(f *testing.F) {
	// Seeds: inputs on which kubectl's reader has edges: lines without a final newline,
	// CRLF, byte order marks, separators, JSON streams and kubectl's fall back from JSON to YAML.
	seeds := []string{
		"a: |\n  x",
		"a: |+\n  x\n\n",
		"a: >-\r\n  x\r\n  y\r\n",
		"a: |\r  x\r",
		"\ufeffa: 1\n---\n\ufeffb: 2\n",
		"\ufeff---\na: 1\n\ufeff---\nb: 2\n",
		"\xff\xfea\x00:\x00 \x001\x00\n\x00-\x00-\x00-\x00\n\x00b\x00:\x00 \x00|\x00\n\x00 \x00x\x00",
		"\xfe\xff\x00a\x00:\x00 \x001",
		"a: caf\xe9\n",
		"\ufeffa: caf\xe9\n",
		"--- # c\na: 1\n---   \n# only\n---\n---",
		"a: 1\n--- x\nb: 2\n",
		"---#x\na: 1\n",
		"a: 1\n---#x\nb: 2\n",
		"a: 1\n---\n---#x\nb: 2\n---\n---\n---#x",
		"a: 1\n----\n",
		"a: 1\n...\nb: 2\n",
		"\t# c\n",
		"\u00a0\n",
		"~\n",
		"- a\n",
		"a: 1\na: 2\n",
		"a: " + strings.Repeat("x", 4093),
		"a: " + strings.Repeat("x", 4094),
		"a: 1\nb: " + strings.Repeat("x", 4093) + "\r",
		`{"a": 1}{"b": 2} {"c": 3}`,
		"{\"a\": \"\\/\"}\n",
		"{\"a\": 1}\n---\nb: 2\n",
		"{\"a\": 1}\n{\"b\": 2}\n---\nc: 3\n",
		"{\"a\": 1}\n#c",
		"{\"a\": 1}\n# c",
		"{a: 1, b: [x,],}\n",
		"{\"a\": 1,\n",
		"{\"a\": 1} \ufffd\n",
		"{\"a\": 1}\nnull\n[1]\n",
		strings.Repeat(" ", 4096) + `{"a": "\/"}`,
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bufio.NewReader(nil)
		for _, mode := range []struct {
			name string
			read func() *reading
			file bool
		}{
			{"a.yaml", func() *reading { return readFile(lines, "a.yaml", data, false) }, true},
			{"a.json", func() *reading { return readFile(lines, "a.json", data, true) }, true},
			{"stream", func() *reading { return readStream(lines, "stream", data) }, false},
		} {
			want, kubectlErr := kubectlRead(data, mode.file)
			r := mode.read()
			if len(r.errs) > 0 {
				continue // refusing more than kubectl is allowed
			}
			if kubectlErr != nil {
				t.Fatalf("%s: kubectl refuses %q (%v); gitops-drift reads it", mode.name, data, kubectlErr)
			}
			got := make([]map[string]any, len(r.docs))
			for i, d := range r.docs {
				got[i] = d.obj
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("%s: objects of %q (-kubectl +gitops-drift):\n%s", mode.name, data, diff)
			}
		}
	})
}

func TestYAMLStart(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		end    int64
		want   int
		wantOK bool
	}{
		{"up to and including a newline", "{}  \n  x: 1\n", 2, 5, true},
		{"at the first non-space", "{} \t x: 1\n", 2, 5, true},
		{"CRLF", "{}\r\nx: 1\n", 2, 4, true},
		{"from the start", "  {x: 1}\n", 0, 2, true},
		{"fewer than 4 bytes left", "{}\n#c", 2, 0, false},
		{"4 bytes left", "{}\n# c", 2, 3, true},
		{"U+FFFD", "{} \ufffd x\n", 2, 0, false},
		{"not UTF-8", "{} \xe9 x\n", 2, 0, false},
		{"only spaces", "{}      ", 2, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := yamlStart([]byte(tt.text), tt.end)
			if diff := cmp.Diff([]any{tt.want, tt.wantOK}, []any{got, ok}); diff != "" {
				t.Errorf("yamlStart (-want +got):\n%s", diff)
			}
		})
	}
}
