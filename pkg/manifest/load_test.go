package manifest

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// placed is what the rule tests compare: an object's key and where it was defined.
type placed struct {
	Key  Key
	File string
	Line int
}

// mapFS builds a file system from file names and contents.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// placements lists the objects of s in order.
func placements(s *Set) []placed {
	var got []placed
	for _, o := range s.Objects() {
		got = append(got, placed{Key: o.Key(), File: o.File, Line: o.Line})
	}
	return got
}

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "

func TestLoadFS(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		want  []placed
	}{{
		name:  "namespace defaults to default",
		files: map[string]string{"a.yaml": cm + "a\n"},
		want:  []placed{{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 1}},
	}, {
		name:  "Options.Namespace for objects without one",
		files: map[string]string{"a.yaml": cm + "a\n---\n" + cm + "b\n  namespace: other\n"},
		opts:  Options{Namespace: "demo"},
		want: []placed{
			{Key{"", "ConfigMap", "demo", "a"}, "a.yaml", 1},
			{Key{"", "ConfigMap", "other", "b"}, "a.yaml", 6},
		},
	}, {
		name: "empty and comment-only documents, document start after comments",
		files: map[string]string{"a.yaml": "# header\n\n" + cm + "a\n---\n---\n# nothing\n---\n\n" +
			cm + "b\n---\n~\n---\n"},
		want: []placed{
			{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 3},
			{Key{"", "ConfigMap", "default", "b"}, "a.yaml", 12},
		},
	}, {
		name:  "leading separator and CRLF",
		files: map[string]string{"a.yaml": "---\r\napiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\n"},
		want:  []placed{{Key{"", "Secret", "default", "s"}, "a.yaml", 2}},
	}, {
		name: "cluster-scoped kinds get no namespace",
		files: map[string]string{"a.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"},
		opts: Options{Namespace: "demo"},
		want: []placed{
			{Key{"rbac.authorization.k8s.io", "ClusterRole", "", "r"}, "a.yaml", 5},
			{Key{"", "Namespace", "", "demo"}, "a.yaml", 1},
		},
	}, {
		name: "List expanded, items share the list's line",
		files: map[string]string{"l.yaml": "\napiVersion: v1\nkind: List\nitems:\n- " +
			"{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n"},
		want: []placed{
			{Key{"", "ConfigMap", "default", "a"}, "l.yaml", 2},
			{Key{"", "Secret", "default", "b"}, "l.yaml", 2},
		},
	}, {
		name: "typed list items inherit apiVersion and kind",
		files: map[string]string{"l.yaml": "apiVersion: v1\nkind: ConfigMapList\nitems:\n" +
			"- metadata: {name: a}\n- {apiVersion: v1, kind: Secret, metadata: {name: b}}\n"},
		want: []placed{
			{Key{"", "ConfigMap", "default", "a"}, "l.yaml", 1},
			{Key{"", "Secret", "default", "b"}, "l.yaml", 1},
		},
	}, {
		name:  "empty List and a *List kind without items is an object",
		files: map[string]string{"l.yaml": "apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: x.io/v1\nkind: AccessList\nmetadata: {name: a}\n"},
		want:  []placed{{Key{"x.io", "AccessList", "default", "a"}, "l.yaml", 5}},
	}, {
		name: "recursive, sorted, hidden and other files skipped",
		files: map[string]string{
			"z/b.yml":                  cm + "b\n",
			"a/c.YAML":                 cm + "c\n",
			"a.yaml":                   cm + "a\n",
			"README.md":                "not: [yaml",
			".git/config.yaml":         "not: [yaml",
			".github/workflows/ci.yml": "not: [yaml",
			"sub/.gitlab-ci.yml":       "not: [yaml",
		},
		want: []placed{
			{Key{"", "ConfigMap", "default", "a"}, "a.yaml", 1},
			{Key{"", "ConfigMap", "default", "b"}, "z/b.yml", 1},
			{Key{"", "ConfigMap", "default", "c"}, "a/c.YAML", 1},
		},
	}, {
		name: "JSON object and stream",
		files: map[string]string{
			"one.json": "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}}",
			"two.json": "\n{\"apiVersion\": \"v1\", \"kind\": \"Secret\",\n \"metadata\": {\"name\": \"s\"}}\n\n" +
				"{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"metadata\": {\"name\": \"t\"}}\nnull\n",
		},
		want: []placed{
			{Key{"", "ConfigMap", "default", "a"}, "one.json", 1},
			{Key{"", "Secret", "default", "s"}, "two.json", 2},
			{Key{"", "Secret", "default", "t"}, "two.json", 5},
		},
	}, {
		name: "same name in another group or namespace is another object",
		files: map[string]string{"a.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\n" +
			"apiVersion: x.io/v1\nkind: Deployment\nmetadata: {name: a}\n---\n" +
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: b}\n"},
		want: []placed{
			{Key{"apps", "Deployment", "b", "a"}, "a.yaml", 9},
			{Key{"apps", "Deployment", "default", "a"}, "a.yaml", 1},
			{Key{"x.io", "Deployment", "default", "a"}, "a.yaml", 5},
		},
	}, {
		name:  "Scope decides",
		files: map[string]string{"a.yaml": "apiVersion: x.io/v1\nkind: Cluster\nmetadata: {name: c}\n"},
		opts: Options{Scope: ScopeFunc(func(gvk schema.GroupVersionKind) (bool, error) {
			return gvk.Kind != "Cluster", nil
		})},
		want: []placed{{Key{"x.io", "Cluster", "", "c"}, "a.yaml", 1}},
	}, {
		name:  "no manifests",
		files: map[string]string{"README.md": "hello"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := LoadFS(mapFS(tt.files), tt.opts)
			if err != nil {
				t.Fatalf("LoadFS: %v", err)
			}
			if diff := cmp.Diff(tt.want, placements(set)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadFSNumbers(t *testing.T) {
	fsys := mapFS(map[string]string{
		"a.yaml": cm + "a\nspec: {replicas: 3, ratio: 0.5, big: 9007199254740993}\n",
		"b.json": `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}, "spec": {"replicas": 3, "ratio": 0.5}}`,
	})
	set, err := LoadFS(fsys, Options{})
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	want := map[string]map[string]any{
		"a": {"replicas": int64(3), "ratio": 0.5, "big": int64(9007199254740993)},
		"b": {"replicas": int64(3), "ratio": 0.5},
	}
	for name, spec := range want {
		o, ok := set.Get(Key{Kind: "ConfigMap", Namespace: "default", Name: name})
		if !ok {
			t.Fatalf("ConfigMap %s not found", name)
		}
		if diff := cmp.Diff(spec, o.Obj.Object["spec"]); diff != "" {
			t.Errorf("spec of %s (-want +got):\n%s", name, diff)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := filepath.Join("testdata", "basic")
	set, err := Load(dir, Options{Namespace: "demo"})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []placed{
		{Key{"rbac.authorization.k8s.io", "ClusterRole", "", "frontend-reader"}, filepath.Join(dir, "apps", "roles.json"), 1},
		{Key{"", "ConfigMap", "demo", "settings"}, filepath.Join(dir, "namespace.yaml"), 7},
		{Key{"apps", "Deployment", "demo", "frontend"}, filepath.Join(dir, "apps", "frontend.yaml"), 1},
		{Key{"", "Namespace", "", "demo"}, filepath.Join(dir, "namespace.yaml"), 2},
		{Key{"", "Service", "demo", "frontend"}, filepath.Join(dir, "apps", "frontend.yaml"), 18},
	}
	if diff := cmp.Diff(want, placements(set)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
