package gitrepo

import (
	"bytes"
	"crypto/subtle"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a bare repository with a work tree that commits are made in and pushed from.
type Repo struct {
	t    testing.TB
	bare string
	work string
}

// New creates an empty bare repository whose default branch is main. It skips the test when
// there is no git binary.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary for the test repository")
	}
	dir := t.TempDir()
	r := &Repo{t: t, bare: filepath.Join(dir, "repo.git"), work: filepath.Join(dir, "work")}
	r.git("", "init", "--quiet", "--bare", "--initial-branch=main", r.bare)
	r.git("", "init", "--quiet", "--initial-branch=main", r.work)
	r.git(r.work, "remote", "add", "origin", r.bare)
	return r
}

// URL returns the repository's file:// URL.
func (r *Repo) URL() string { return "file://" + r.bare }

// Commit writes files (slash-separated names; an empty content deletes the file), commits
// them on main, pushes, and returns the commit's full hash.
func (r *Repo) Commit(msg string, files map[string]string) string {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.work, filepath.FromSlash(name))
		if content == "" {
			if err := os.Remove(p); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	r.git(r.work, "add", "--all")
	r.git(r.work, "commit", "--quiet", "--allow-empty", "-m", msg)
	r.git(r.work, "push", "--quiet", "origin", "main")
	return strings.TrimSpace(r.git(r.work, "rev-parse", "HEAD"))
}

// Tag creates an annotated tag on main's last commit and pushes it.
func (r *Repo) Tag(name string) {
	r.t.Helper()
	r.git(r.work, "tag", "-a", "-m", name, name)
	r.git(r.work, "push", "--quiet", "origin", name)
}

// SetReachable makes the repository unreachable (false), as a Git server that is down, or
// reachable again, under the same URLs.
func (r *Repo) SetReachable(reachable bool) {
	r.t.Helper()
	from, to := r.bare, r.bare+".away"
	if reachable {
		from, to = to, from
	}
	if err := os.Rename(from, to); err != nil {
		r.t.Fatal(err)
	}
}

// ServeHTTP serves the repository over HTTP on loopback until the test ends and returns its
// URL. With a token, requests must carry it as the basic-authentication password, with any
// user name.
func (r *Repo) ServeHTTP(token string) string {
	r.t.Helper()
	return r.serve(func(_, pass string) bool { return token == "" || equal(pass, token) })
}

// ServeHTTPAuth serves the repository over HTTP on loopback until the test ends and returns
// its URL, without credentials. Requests must carry user and password with basic
// authentication, as a Git host with accounts asks.
func (r *Repo) ServeHTTPAuth(user, password string) string {
	r.t.Helper()
	return r.serve(func(u, p string) bool { return equal(u, user) && equal(p, password) })
}

// serve serves the repository over HTTP to the requests whose basic-authentication user and
// password (empty without) allowed accepts; the others are answered 401.
func (r *Repo) serve(allowed func(user, password string) bool) string {
	r.t.Helper()
	backend, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		r.t.Fatal(err)
	}
	h := &cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(backend)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + filepath.Dir(r.bare), "GIT_HTTP_EXPORT_ALL=1"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		user, pass, _ := req.BasicAuth()
		if !allowed(user, pass) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, req)
	}))
	r.t.Cleanup(srv.Close)
	return srv.URL + "/" + filepath.Base(r.bare)
}

func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (r *Repo) git(dir string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "HOME="+filepath.Dir(r.bare))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}
