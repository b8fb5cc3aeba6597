package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "

// placed is an object's key and where Load says it was defined.
type placed struct {
	Key  string
	File string
	Line int
}

func placements(s *manifest.Set) []placed {
	var out []placed
	for _, o := range s.Objects() {
		out = append(out, placed{o.Key().String(), o.File, o.Line})
	}
	return out
}

// tree writes files under a new directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		writeFile(t, root, name, data)
	}
	return root
}

func TestLoad(t *testing.T) {
	root := tree(t, map[string]string{
		"plain/a.yaml":                     configMap + "a\n",
		"other/b.yaml":                     configMap + "b\n",
		"kust/kustomization.yaml":          "namespace: k\nresources:\n  - cm.yaml\n",
		"kust/cm.yaml":                     configMap + "c\n",
		"deep/apps/prod/kustomization.yml": "resources:\n  - ../../../kust\n",
	})
	tests := []struct {
		name string
		snap Snapshot
		want []placed
	}{
		{"local plain", Snapshot{Root: filepath.Join(root, "plain")},
			[]placed{{"ConfigMap default/a", filepath.Join(root, "plain", "a.yaml"), 1}}},
		{"local kustomization", Snapshot{Root: filepath.Join(root, "kust")},
			[]placed{{"ConfigMap k/c", filepath.Join(root, "kust") + " (kustomize build)", 1}}},
		{"checkout path, named from the root", Snapshot{Root: root, Path: "plain", Checkout: true},
			[]placed{{"ConfigMap default/a", "plain/a.yaml", 1}}},
		{"checkout kustomization with a base elsewhere", Snapshot{Root: root, Path: "deep/apps/prod", Checkout: true},
			[]placed{{"ConfigMap k/c", "deep/apps/prod (kustomize build)", 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.snap, manifest.Options{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, placements(set)); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
			var each []placed
			warnings, err := LoadEach(tt.snap, manifest.Options{}, func(o manifest.Object) {
				each = append(each, placed{o.Key().String(), o.File, o.Line})
			})
			if err != nil {
				t.Fatalf("LoadEach: %v", err)
			}
			if diff := cmp.Diff(tt.want, each); diff != "" {
				t.Errorf("objects LoadEach handed on (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(set.Warnings(), warnings); diff != "" {
				t.Errorf("LoadEach's warnings, against Load's (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	outside := tree(t, map[string]string{"secret.yaml": configMap + "s\n"})
	root := tree(t, map[string]string{
		"nested/a.yaml":                 configMap + "a\n",
		"nested/app/kustomization.yaml": "resources: []\n",
		"broken/kustomization.yaml":     "resources:\n  - missing.yaml\n",
		"dup/kustomization.yaml":        "resources:\n  - a.yaml\n  - b.yaml\n",
		"dup/a.yaml":                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n",
		"dup/b.yaml":                    "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n",
		"remote/kustomization.yaml":     "resources:\n  - https://example.com/x.yaml\n",
	})
	links := tree(t, map[string]string{"links/a.yaml": configMap + "a\n"})
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(links, "links", "s.yaml")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		snap    Snapshot
		want    []string
		notWant string
	}{
		{"kustomization below a plain directory", Snapshot{Root: root, Path: "nested", Checkout: true},
			[]string{"nested/app/kustomization.yaml: a kustomization inside a plain manifest directory"}, ""},
		{"kustomize error, named from the checkout", Snapshot{Root: root, Path: "broken", Checkout: true},
			[]string{"kustomize build broken:", "missing.yaml"}, root},
		{"link out of the checkout", Snapshot{Root: links, Path: "links", Checkout: true},
			[]string{"links/s.yaml: symbolic link to a file outside the repository"}, ""},
		{"the same object twice after rendering", Snapshot{Root: root, Path: "dup", Checkout: true},
			[]string{"dup (kustomize build):", "Deployment default/x is also defined at dup (kustomize build):"}, ""},
		{"remote base", Snapshot{Root: root, Path: "remote", Checkout: true},
			[]string{`remote/kustomization.yaml: resources "https://example.com/x.yaml"`, "remote kustomize references are not supported"}, root},
		{"missing path", Snapshot{Root: root, Path: "nope", Checkout: true},
			[]string{"nope: no such directory in the repository"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := Load(tt.snap, manifest.Options{})
			if err == nil {
				t.Fatalf("Load = %d objects, want an error", set.Len())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error names %q:\n%v", tt.notWant, err)
			}
			_, eachErr := LoadEach(tt.snap, manifest.Options{}, func(manifest.Object) {})
			if diff := cmp.Diff(err.Error(), fmt.Sprint(eachErr)); diff != "" {
				t.Errorf("LoadEach's error, against Load's (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubtree(t *testing.T) {
	root := tree(t, map[string]string{"a/b/c.yaml": configMap + "c\n", "a/x.yaml": configMap + "x\n", "top.yaml": configMap + "t\n"})
	set, err := manifest.LoadFS(subtree{fsys: os.DirFS(root), dir: "a/b"}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []placed{{"ConfigMap default/c", "a/b/c.yaml", 1}}
	if diff := cmp.Diff(want, placements(set)); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}
