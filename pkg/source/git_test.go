package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/gitrepo"
)

func newGit(t *testing.T, url string, mutate func(*GitOptions)) *Git {
	t.Helper()
	opts := GitOptions{URL: url, CacheDir: t.TempDir()}
	if mutate != nil {
		mutate(&opts)
	}
	if err := opts.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return NewGit(opts)
}

// readFile returns a file of a checkout.
func readFile(t *testing.T, c Checkout, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.Root, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGitFetch(t *testing.T) {
	repo := gitrepo.New(t)
	first := repo.Commit("first", map[string]string{"app/cm.yaml": "color: blue\n"})
	for name, url := range map[string]string{"file": repo.URL(), "http": repo.ServeHTTP("")} {
		t.Run(name, func(t *testing.T) {
			g := newGit(t, url, nil)
			c, err := g.Fetch(t.Context())
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if c.Hash != first || readFile(t, c, "app/cm.yaml") != "color: blue\n" {
				t.Fatalf("Fetch = %s, want %s with color blue", c.Hash, first)
			}
			if _, err := os.Stat(filepath.Join(c.Root, ".git", "shallow")); err != nil {
				t.Errorf("the clone is not shallow: %v", err)
			}
			again, err := g.Fetch(t.Context())
			if err != nil || again != c {
				t.Fatalf("Fetch again = %+v, %v; want the same checkout", again, err)
			}
		})
	}
}

func TestGitFetchNewCommit(t *testing.T) {
	repo := gitrepo.New(t)
	first := repo.Commit("first", map[string]string{"cm.yaml": "color: blue\n"})
	g := newGit(t, repo.ServeHTTP(""), nil)
	c1, err := g.Fetch(t.Context())
	if err != nil || c1.Hash != first {
		t.Fatalf("Fetch = %+v, %v; want %s", c1, err, first)
	}
	second := repo.Commit("second", map[string]string{"cm.yaml": "color: red\n"})
	c2, err := g.Fetch(t.Context())
	if err != nil || c2.Hash != second || readFile(t, c2, "cm.yaml") != "color: red\n" {
		t.Fatalf("Fetch after a commit = %+v, %v; want %s with color red", c2, err, second)
	}
	if c2.Revision() != second[:12] {
		t.Errorf("Revision = %q, want %q", c2.Revision(), second[:12])
	}
	if err := g.Prune(c2.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c1.Root); !os.IsNotExist(err) {
		t.Errorf("Prune kept the old checkout: %v", err)
	}
	if _, err := os.Stat(c2.Root); err != nil {
		t.Errorf("Prune removed the checkout to keep: %v", err)
	}
}

func TestGitRefs(t *testing.T) {
	repo := gitrepo.New(t)
	tagged := repo.Commit("tagged", map[string]string{"a.yaml": "v: 1\n"})
	repo.Tag("v1")
	head := repo.Commit("later", map[string]string{"a.yaml": "v: 2\n"})
	tests := []struct {
		ref, want string
	}{
		{"", head},
		{"main", head},
		{"refs/heads/main", head},
		{"v1", tagged},
		{"refs/tags/v1", tagged},
	}
	for _, tt := range tests {
		t.Run("ref "+tt.ref, func(t *testing.T) {
			g := newGit(t, repo.URL(), func(o *GitOptions) { o.Ref = tt.ref })
			c, err := g.Fetch(t.Context())
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if diff := cmp.Diff(tt.want, c.Hash); diff != "" {
				t.Errorf("commit (-want +got):\n%s", diff)
			}
		})
	}
	g := newGit(t, repo.URL(), func(o *GitOptions) { o.Ref = "nope" })
	if _, err := g.Fetch(t.Context()); err == nil || !strings.Contains(err.Error(), `reference "nope" not found`) {
		t.Errorf("Fetch of a missing ref = %v, want reference not found", err)
	}
}

func TestGitAuth(t *testing.T) {
	repo := gitrepo.New(t)
	want := repo.Commit("first", map[string]string{"a.yaml": "v: 1\n"})
	url := repo.ServeHTTP("s3cret-token")
	dir := t.TempDir()
	tokenFile := func(token string) string {
		p := filepath.Join(dir, token)
		if err := os.WriteFile(p, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, token, wantErr string
	}{
		{name: "no token", wantErr: "authentication required"},
		{name: "wrong token", token: "wrong-token", wantErr: "authentication required"},
		{name: "right token", token: "s3cret-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGit(t, url, func(o *GitOptions) {
				if tt.token != "" {
					o.Auth.TokenFile = tokenFile(tt.token)
				}
			})
			c, err := g.Fetch(t.Context())
			if tt.wantErr == "" {
				if err != nil || c.Hash != want {
					t.Fatalf("Fetch = %+v, %v; want %s", c, err, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Fetch = %v, want an error saying %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "wrong-token") {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}

func TestGitUnreachable(t *testing.T) {
	g := newGit(t, "file://"+filepath.Join(t.TempDir(), "missing.git"), nil)
	if _, err := g.Fetch(t.Context()); err == nil {
		t.Fatal("Fetch of a missing repository succeeded")
	}
}

func TestGitOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    GitOptions
		wantErr string
	}{
		{"ok", GitOptions{URL: "https://example.com/r.git", CacheDir: "/c", Path: "deploy/prod"}, ""},
		{"commit hash", GitOptions{URL: "https://example.com/r.git", CacheDir: "/c", Ref: strings.Repeat("a", 40)}, "commit hash"},
		{"path outside", GitOptions{URL: "https://example.com/r.git", CacheDir: "/c", Path: "../x"}, "inside the repository"},
		{"no cache", GitOptions{URL: "https://example.com/r.git"}, "--git-cache-dir"},
		{"two credentials", GitOptions{URL: "https://example.com/r.git", CacheDir: "/c", Auth: GitAuth{TokenFile: "t", SSHKeyFile: "k"}}, "cannot be combined"},
		{"password in the URL and a token file", GitOptions{URL: "https://u:pw@example.com/r.git", CacheDir: "/c", Auth: GitAuth{TokenFile: "t"}}, "give the credential once"},
		{"user in the URL and a token file", GitOptions{URL: "https://x-token-auth@example.com/r.git", CacheDir: "/c", Auth: GitAuth{TokenFile: "t"}}, ""},
		{"query string", GitOptions{URL: "https://example.com/r.git?access_token=s3cret", CacheDir: "/c"}, "https://example.com/r.git?access_token=REDACTED: a query string"},
		{"password in an SSH URL", GitOptions{URL: "ssh://git:s3cret@example.com/r.git", CacheDir: "/c"}, "ssh://git@example.com/r.git: a ssh URL cannot carry a password"},
		{"not a URL", GitOptions{URL: "https://u:s3c ret@example.com/r.git", CacheDir: "/c"}, "--git-url: not a valid Git URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate = %v, want %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "s3c") {
				t.Errorf("Validate = %v: shows the credential", err)
			}
		})
	}
}
