package manifest

import (
	"testing"
	"testing/fstest"
)

// FuzzLoad checks that no file contents make LoadFS panic, and that it returns either a Set or
// an error, never both, never neither.
func FuzzLoad(f *testing.F) {
	seeds := []string{
		cm + "a\n",
		cm + "a\n---\n" + cm + "a\n",
		"apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: n, namespace: x}}\n",
		"apiVersion: v1\nkind: ConfigMapList\nitems: [{metadata: {name: a}}, 3]\n",
		`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}} {"a": [1, 2.5]}`,
		"a: &x [*x]\n",
		"--- x\n\t- [\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"a.yaml":   {Data: data},
			"b/c.json": {Data: data},
		}
		set, err := LoadFS(fsys, Options{})
		if (set == nil) == (err == nil) {
			t.Fatalf("LoadFS = %v, %v; want exactly one of a Set and an error", set, err)
		}
	})
}
