package source

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"
)

// writeFile writes data to the slash-separated name under root, creating directories.
func writeFile(tb testing.TB, root, name, data string) {
	tb.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// newRepo creates a repository in a temporary directory holding files and, if commit is set,
// commits them. It returns the worktree's root and the commit's hash.
func newRepo(tb testing.TB, files map[string]string, commit bool) (string, string) {
	tb.Helper()
	root := tb.TempDir()
	repo, err := git.PlainInit(root, false)
	if err != nil {
		tb.Fatal(err)
	}
	for name, data := range files {
		writeFile(tb, root, name, data)
	}
	if !commit {
		return root, ""
	}
	wt, err := repo.Worktree()
	if err != nil {
		tb.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		tb.Fatal(err)
	}
	sig := &object.Signature{Name: "test", Email: "test@example.com", When: time.Unix(1700000000, 0)}
	hash, err := wt.Commit("initial", &git.CommitOptions{Author: sig})
	if err != nil {
		tb.Fatal(err)
	}
	return root, hash.String()
}

func TestRevision(t *testing.T) {
	files := map[string]string{
		".gitignore":       "*.tmp\n",
		"app/deploy.yaml":  "kind: Deployment\n",
		"app/sub/svc.yaml": "kind: Service\n",
		"apple/x.yaml":     "kind: ConfigMap\n",
		"other/y.yaml":     "kind: Secret\n",
	}
	write := func(name, data string) func(*testing.T, string) {
		return func(t *testing.T, root string) { writeFile(t, root, name, data) }
	}
	remove := func(name string) func(*testing.T, string) {
		return func(t *testing.T, root string) {
			if err := os.Remove(filepath.Join(root, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
	}
	stage := func(name string) func(*testing.T, string) {
		return func(t *testing.T, root string) {
			writeFile(t, root, name, "new\n")
			repo, err := git.PlainOpen(root)
			if err != nil {
				t.Fatal(err)
			}
			wt, err := repo.Worktree()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name      string
		dir       string
		mutate    func(*testing.T, string)
		wantDirty bool
	}{
		{name: "clean root", dir: "."},
		{name: "clean subdirectory", dir: "app"},
		{name: "modified under dir", dir: "app", mutate: write("app/sub/svc.yaml", "kind: Service\nspec: {}\n"), wantDirty: true},
		{name: "modified outside dir", dir: "app", mutate: write("other/y.yaml", "changed\n")},
		{name: "modified in a sibling sharing the prefix", dir: "app", mutate: write("apple/x.yaml", "changed\n")},
		{name: "modified anywhere, dir is the root", dir: ".", mutate: write("other/y.yaml", "changed\n"), wantDirty: true},
		{name: "untracked under dir", dir: "app", mutate: write("app/new.yaml", "kind: Pod\n"), wantDirty: true},
		{name: "untracked but ignored under dir", dir: "app", mutate: write("app/scratch.tmp", "x\n")},
		{name: "deleted under dir", dir: "app/sub", mutate: remove("app/sub/svc.yaml"), wantDirty: true},
		{name: "added to the index under dir", dir: "app", mutate: stage("app/staged.yaml"), wantDirty: true},
		{name: "added to the index outside dir", dir: "app", mutate: stage("other/staged.yaml")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, hash := newRepo(t, files, true)
			if tt.mutate != nil {
				tt.mutate(t, root)
			}
			want := hash[:12]
			if tt.wantDirty {
				want += "-dirty"
			}
			got, err := Revision(filepath.Join(root, filepath.FromSlash(tt.dir)))
			if err != nil {
				t.Fatalf("Revision: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Revision (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRevisionShape(t *testing.T) {
	root, _ := newRepo(t, map[string]string{"a.yaml": "a\n"}, true)
	got, err := Revision(root)
	if err != nil {
		t.Fatalf("Revision: %v", err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(got) {
		t.Errorf("Revision = %q, want 12 hex digits", got)
	}
}

func TestRevisionNoRevision(t *testing.T) {
	empty, _ := newRepo(t, map[string]string{"a.yaml": "a\n"}, false)
	tests := []struct {
		name string
		dir  string
	}{
		{"not a repository", t.TempDir()},
		{"repository without commits", empty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Revision(tt.dir)
			if got != "" || err != nil {
				t.Errorf("Revision = %q, %v; want \"\", nil", got, err)
			}
		})
	}
}

func TestRevisionErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "f", "x")
	for _, d := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "f")} {
		t.Run(filepath.Base(d), func(t *testing.T) {
			if got, err := Revision(d); err == nil {
				t.Errorf("Revision(%s) = %q, nil; want an error", d, got)
			}
		})
	}
}

// BenchmarkRevision measures Revision on a clean repository of 3,000 files.
func BenchmarkRevision(b *testing.B) {
	files := make(map[string]string, 3000)
	for i := range 3000 {
		files[fmt.Sprintf("dir-%02d/file-%04d.yaml", i%30, i)] = fmt.Sprintf("name: f%d\n", i)
	}
	root, _ := newRepo(b, files, true)
	dir := filepath.Join(root, "dir-07")
	b.ReportAllocs()
	for b.Loop() {
		rev, err := Revision(dir)
		if err != nil || len(rev) != 12 {
			b.Fatalf("Revision = %q, %v", rev, err)
		}
	}
}
