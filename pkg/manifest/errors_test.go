package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// messages returns the messages of the errors joined in err.
func messages(err error) []string {
	var msgs []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		msgs = append(msgs, e.Error())
	}
	return msgs
}

// failFS is a file system in which opening the named file or directory fails.
// It has only Open, so that fs.ReadFile and fs.ReadDir go through it.
type failFS struct {
	files fstest.MapFS
	fail  string
}

func (f failFS) Open(name string) (fs.File, error) {
	if name == f.fail {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.files.Open(name)
}

func TestLoadFSErrors(t *testing.T) {
	unknown := ScopeFunc(func(gvk schema.GroupVersionKind) (bool, error) {
		if gvk.Group == "x.io" {
			return false, errors.New(`no matches for kind "Widget" in version "x.io/v1"`)
		}
		return true, nil
	})
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []string
	}{{
		name:  "YAML syntax error in a later document",
		files: map[string]string{"a.yaml": cm + "a\n---\n" + cm + "b\ndata:\n  x: [1, 2\n"},
		want:  []string{"a.yaml:11: invalid YAML: did not find expected ',' or ']'"},
	}, {
		name:  "YAML tab on the document's first line",
		files: map[string]string{"a.yaml": cm + "a\n---\n\tkind: x\n"},
		want:  []string{"a.yaml:6: invalid YAML: found character that cannot start any token"},
	}, {
		name:  "duplicate mapping keys",
		files: map[string]string{"a.yaml": "\n---\n" + cm + "a\ndata:\n  x: 1\n  x: 2\n"},
		want:  []string{`a.yaml:9: invalid YAML: key "x" already set in map`},
	}, {
		name:  "invalid separator",
		files: map[string]string{"a.yaml": cm + "a\n--- b\n" + cm + "b\n"},
		want:  []string{`a.yaml:5: invalid YAML: document separator followed by "b"`},
	}, {
		name:  "document is not an object",
		files: map[string]string{"a.yaml": "- a\n- b\n", "b.json": "\n\"text\""},
		want:  []string{"a.yaml:1: document is a list, not an object", "b.json:2: document is a string, not an object"},
	}, {
		name:  "JSON syntax error",
		files: map[string]string{"a.json": "{\n  \"apiVersion\": \"v1\",\n  \"kind\": ConfigMap\n}"},
		want:  []string{"a.json:3: invalid JSON: invalid character 'C' looking for beginning of value"},
	}, {
		name:  "JSON truncated",
		files: map[string]string{"a.json": "{\n  \"apiVersion\": \"v1\",\n"},
		want:  []string{"a.json:3: invalid JSON: unexpected end of file"},
	}, {
		name: "missing fields",
		files: map[string]string{"a.yaml": "metadata: {namespace: x}\n---\nkind: ConfigMap\napiVersion: 1\n" +
			"metadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n---\n" + cm + "a\n  namespace: 3\n"},
		want: []string{
			"a.yaml:1: missing or not a string: apiVersion, kind, metadata.name",
			"a.yaml:3: ConfigMap a: missing or not a string: apiVersion",
			"a.yaml:7: metadata is not an object",
			"a.yaml:11: ConfigMap a: metadata.namespace is not a string",
		},
	}, {
		name:  "invalid apiVersion",
		files: map[string]string{"a.yaml": "apiVersion: a/b/c\nkind: K\nmetadata: {name: a}\n"},
		want:  []string{"a.yaml:1: K a: invalid apiVersion: unexpected GroupVersion string: a/b/c"},
	}, {
		name:  "List item problems",
		files: map[string]string{"a.yaml": "apiVersion: v1\nkind: List\nitems:\n- 3\n- {kind: Secret}\n"},
		want:  []string{"a.yaml:1: items[0]: not an object", "a.yaml:1: missing or not a string: apiVersion, metadata.name"},
	}, {
		name: "duplicate objects name both places",
		files: map[string]string{
			"other.yaml":  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: frontend, namespace: demo}\n",
			"deploy.yaml": "\n\n\n\n\n\n\n\n\n\n---\napiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: frontend}\n",
		},
		opts: Options{Namespace: "demo"},
		want: []string{"other.yaml:1: Deployment demo/frontend is also defined at deploy.yaml:12"},
	}, {
		name: "cluster-scoped object whose ignored namespace hid a duplicate",
		files: map[string]string{"a.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\n" +
			"apiVersion: v1\nkind: Namespace\nmetadata: {name: demo, namespace: demo}\n"},
		want: []string{"a.yaml:5: Namespace demo is also defined at a.yaml:1"},
	}, {
		name:  "Scope error names the kind",
		files: map[string]string{"a.yaml": cm + "a\n---\napiVersion: x.io/v1\nkind: Widget\nmetadata: {name: w}\n"},
		opts:  Options{Scope: unknown},
		want:  []string{`a.yaml:6: Widget w: kind Widget (x.io/v1): no matches for kind "Widget" in version "x.io/v1"`},
	}, {
		name: "all errors of all files, each file top to bottom",
		files: map[string]string{
			"a.yaml": cm + "\n---\n" + cm + "b\n  x: [\n",
			"b.yaml": "kind: ConfigMap\n",
			"c.yaml": cm + "ok\n",
		},
		want: []string{
			"a.yaml:1: missing or not a string: metadata.name",
			"a.yaml:10: invalid YAML: did not find expected node content",
			"b.yaml:1: missing or not a string: apiVersion, metadata.name",
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := LoadFS(mapFS(tt.files), tt.opts)
			if set != nil || err == nil {
				t.Fatalf("LoadFS = %v, %v; want no Set and an error", set, err)
			}
			if diff := cmp.Diff(tt.want, messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFSUnreadable(t *testing.T) {
	files := fstest.MapFS{
		"a/x.yaml": {Data: []byte(cm + "x\n")},
		"b.yaml":   {Data: []byte(cm + "b\n")},
	}
	tests := []struct {
		fail string
		want []string
	}{
		{"b.yaml", []string{"b.yaml: open: permission denied"}},
		{"a", []string{"a: open: permission denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.fail, func(t *testing.T) {
			_, err := LoadFS(failFS{files: files, fail: tt.fail}, Options{})
			if diff := cmp.Diff(tt.want, messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	if err := os.WriteFile(file, []byte(cm+"a\n---\nkind: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		dir  string
		want []string
	}{
		{dir, []string{file + ":6: missing or not a string: apiVersion, metadata.name"}},
		{file, []string{file + ": not a directory"}},
		{filepath.Join(dir, "none"), []string{filepath.Join(dir, "none") + ": stat: no such file or directory"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.dir), func(t *testing.T) {
			set, err := Load(tt.dir, Options{})
			if set != nil {
				t.Errorf("Load returned a Set with an error")
			}
			if diff := cmp.Diff(tt.want, messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorAs(t *testing.T) {
	_, err := LoadFS(mapFS(map[string]string{"dir/a.yaml": "\nkind: ConfigMap\n"}), Options{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(%v, *Error) = false", err)
	}
	if diff := cmp.Diff([]any{"dir/a.yaml", 2}, []any{e.File, e.Line}); diff != "" {
		t.Errorf("file and line (-want +got):\n%s", diff)
	}
	if got, want := (&Error{File: "f", Err: errors.New("boom")}).Error(), "f: boom"; got != want {
		t.Errorf("Error() without a line = %q, want %q", got, want)
	}
}
