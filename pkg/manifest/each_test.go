package manifest

import (
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestLoadFSEach checks that LoadFSEach hands on the objects in the order read, stops at the
// first problem, and otherwise ends as LoadFS does: the same warnings, or the same errors.
func TestLoadFSEach(t *testing.T) {
	ns := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  namespace: other\n"
	tests := []struct {
		name  string
		files map[string]string
		want  []placed // handed on, in order
	}{{
		name:  "files in lexical order, documents top to bottom",
		files: map[string]string{"b.yaml": cm + "z\n---\n" + cm + "a\n", "a.yaml": cm + "m\n", "sub/c.yaml": cm + "c\n", "a.json": `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}`},
		want: []placed{
			{Key{"", "ConfigMap", "default", "j"}, "a.json", 1},
			{Key{"", "ConfigMap", "default", "m"}, "a.yaml", 1},
			{Key{"", "ConfigMap", "default", "z"}, "b.yaml", 1},
			{Key{"", "ConfigMap", "default", "a"}, "b.yaml", 6},
			{Key{"", "ConfigMap", "default", "c"}, "sub/c.yaml", 1},
		},
	}, {
		name:  "warnings",
		files: map[string]string{"a.yaml": ns, "b.yaml": "\xff" + cm + "b\n"},
		want:  []placed{{Key{"", "Namespace", "", "x"}, "a.yaml", 1}},
	}, {
		name:  "nothing after a file that does not parse",
		files: map[string]string{"a.yaml": cm + "a\n", "b.yaml": "kind: [\n", "c.yaml": cm + "c\n"},
		want:  []placed{{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 1}},
	}, {
		name:  "nothing after a duplicate",
		files: map[string]string{"a.yaml": cm + "a\n", "b.yaml": cm + "a\n", "c.yaml": cm + "c\n"},
		want:  []placed{{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 1}},
	}, {
		name:  "nothing after an object without a name, in the same file",
		files: map[string]string{"a.yaml": cm + "a\n---\napiVersion: v1\nkind: ConfigMap\n---\n" + cm + "b\n"},
		want:  []placed{{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := mapFS(tt.files)
			var got []placed
			warnings, err := LoadFSEach(fsys, Options{}, func(o Object) {
				got = append(got, placed{Key: o.Key(), File: o.File, Line: o.Line})
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("objects handed on (-want +got):\n%s", diff)
			}
			set, setErr := LoadFS(fsys, Options{})
			if diff := cmp.Diff(fmt.Sprint(setErr), fmt.Sprint(err)); diff != "" {
				t.Errorf("error, against LoadFS's (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(set.Warnings(), warnings); diff != "" {
				t.Errorf("warnings, against LoadFS's (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadYAMLEach checks that LoadYAMLEach hands on the objects of a stream in its order,
// stops at the first problem, and otherwise ends as LoadYAML does.
func TestLoadYAMLEach(t *testing.T) {
	tests := []struct {
		name   string
		stream string
		want   []placed
	}{{
		name:   "the stream's order",
		stream: cm + "z\n---\n" + cm + "a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  namespace: other\n",
		want: []placed{
			{Key{"", "ConfigMap", "default", "z"}, "rendered", 1},
			{Key{"", "ConfigMap", "default", "a"}, "rendered", 6},
			{Key{"", "Namespace", "", "x"}, "rendered", 11},
		},
	}, {
		name:   "nothing after a document that does not parse",
		stream: cm + "a\n---\nkind: [\n---\n" + cm + "b\n",
		want:   []placed{{Key{"", "ConfigMap", "default", "a"}, "rendered", 1}},
	}, {
		name:   "nothing after a duplicate",
		stream: cm + "a\n---\n" + cm + "a\n---\n" + cm + "b\n",
		want:   []placed{{Key{"", "ConfigMap", "default", "a"}, "rendered", 1}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []placed
			warnings, err := LoadYAMLEach("rendered", []byte(tt.stream), Options{}, func(o Object) {
				got = append(got, placed{Key: o.Key(), File: o.File, Line: o.Line})
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("objects handed on (-want +got):\n%s", diff)
			}
			set, setErr := LoadYAML("rendered", []byte(tt.stream), Options{})
			if diff := cmp.Diff(fmt.Sprint(setErr), fmt.Sprint(err)); diff != "" {
				t.Errorf("error, against LoadYAML's (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(set.Warnings(), warnings); diff != "" {
				t.Errorf("warnings, against LoadYAML's (-want +got):\n%s", diff)
			}
		})
	}
}

// openCounter is a file system that counts the manifest files opened. It has only Open, so
// that fs.ReadFile goes through it.
type openCounter struct {
	fsys   fstest.MapFS
	opened atomic.Int64
}

func (c *openCounter) Open(name string) (fs.File, error) {
	if strings.HasSuffix(name, ".yaml") {
		c.opened.Add(1)
	}
	return c.fsys.Open(name)
}

// TestLoadFSEachReadsAhead checks that the readers stay at most readAhead files per
// GOMAXPROCS ahead of the object being handed on, however long Each takes: the decoded
// objects waiting are a handful, not the set.
func TestLoadFSEachReadsAhead(t *testing.T) {
	const n = 300
	files := map[string]string{}
	for i := range n {
		files[fmt.Sprintf("%04d.yaml", i)] = fmt.Sprintf("%sc%d\n", cm, i)
	}
	fsys := &openCounter{fsys: mapFS(files)}
	limit := int64(readAhead * runtime.GOMAXPROCS(0))
	var handed, most int64
	_, err := LoadFSEach(fsys, Options{}, func(Object) {
		handed++
		most = max(most, fsys.opened.Load()-handed)
		runtime.Gosched() // a slow consumer: the readers would run on
	})
	if err != nil {
		t.Fatal(err)
	}
	if handed != n || most > limit {
		t.Errorf("handed on %d objects, with up to %d files read ahead; want %d, at most %d ahead", handed, most, n, limit)
	}
}
