package source

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/gitrepo"
)

// password is the password of the credential tests: it must show nowhere.
const password = "pa55-w0rd-Never-Shown"

// withUserinfo returns url (http://host/...) with user and password in it.
func withUserinfo(url, user, password string) string {
	return strings.Replace(url, "://", "://"+user+":"+password+"@", 1)
}

// grepTree returns the files under dir whose name or content holds s.
func grepTree(t *testing.T, dir, s string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), s) {
			found = append(found, p)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), s) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestGitURLCredentials fetches over HTTP with the user and password in the URL: they are
// sent as basic authentication, and written nowhere in the cache; the checkout's remote is
// the URL without them. A wrong password fails naming the URL without it.
func TestGitURLCredentials(t *testing.T) {
	repo := gitrepo.New(t)
	want := repo.Commit("first", map[string]string{"a.yaml": "v: 1\n"})
	url := repo.ServeHTTPAuth("deployer", password)

	g := newGit(t, withUserinfo(url, "deployer", password), nil)
	c, err := g.Fetch(t.Context())
	if err != nil || c.Hash != want {
		t.Fatalf("Fetch = %+v, %v; want %s", c, err, want)
	}
	if found := grepTree(t, g.opts.CacheDir, password); len(found) > 0 {
		t.Errorf("the password is written in %q", found)
	}
	if found := grepTree(t, g.opts.CacheDir, "deployer"); len(found) > 0 {
		t.Errorf("the user name is written in %q", found)
	}
	config := readFile(t, c, ".git/config")
	if !strings.Contains(config, "url = "+url+"\n") {
		t.Errorf(".git/config does not record the remote as %s:\n%s", url, config)
	}
	if got := g.URL(); got != url {
		t.Errorf("URL() = %q, want %q", got, url)
	}

	for name, u := range map[string]string{
		"wrong password": withUserinfo(url, "deployer", "wrong-"+password),
		"wrong user":     withUserinfo(url, "intruder", password),
	} {
		t.Run(name, func(t *testing.T) {
			g := newGit(t, u, nil)
			_, err := g.Fetch(t.Context())
			wantMsg := "list references of " + url + ": authentication required: the credentials of --git-url were refused"
			if err == nil || !strings.HasPrefix(err.Error(), wantMsg) {
				t.Fatalf("Fetch = %v, want an error starting %q", err, wantMsg)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("the error shows the password: %v", err)
			}
			if found := grepTree(t, g.opts.CacheDir, password); len(found) > 0 {
				t.Errorf("the password is written in %q", found)
			}
		})
	}
}

// TestGitURLUserWithTokenFile: a URL's user name without a password goes with the token of
// --git-token-file.
func TestGitURLUserWithTokenFile(t *testing.T) {
	repo := gitrepo.New(t)
	want := repo.Commit("first", map[string]string{"a.yaml": "v: 1\n"})
	url := repo.ServeHTTPAuth("x-token-auth", password)
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	g := newGit(t, strings.Replace(url, "://", "://x-token-auth@", 1), func(o *GitOptions) {
		o.Auth = GitAuth{TokenFile: token, Username: "git"}
	})
	if c, err := g.Fetch(t.Context()); err != nil || c.Hash != want {
		t.Fatalf("Fetch = %+v, %v; want %s", c, err, want)
	}
}

func TestDisplayURL(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"https://github.com/example/deploy.git", "https://github.com/example/deploy.git"},
		{"https://user:s3cret@github.com/example/deploy.git", "https://github.com/example/deploy.git"},
		{"https://ghp_s3cret@github.com/example/deploy.git", "https://github.com/example/deploy.git"},
		{"HTTP://user:s3cret@127.0.0.1:8080/r.git", "http://127.0.0.1:8080/r.git"},
		{"https://host/r.git?access_token=s3cret&private_token=s3cret2", "https://host/r.git?access_token=REDACTED&private_token=REDACTED"},
		{"https://host/r.git?token=s3cret#s3cret", "https://host/r.git?token=REDACTED"},
		{"ssh://git@host:2222/r.git", "ssh://git@host:2222/r.git"},
		{"ssh://git:s3cret@host/r.git", "ssh://git@host/r.git"},
		{"git@github.com:example/deploy.git", "git@github.com:example/deploy.git"},
		{"git:s3cret@github.com:example/deploy.git", "git@github.com:example/deploy.git"},
		{"file:///srv/git/r.git", "file:///srv/git/r.git"},
		{"/srv/git/r.git", "/srv/git/r.git"},
		{"https://user:s3c/ret@host/r.git", "(a URL that does not parse)"},
		{"https://user:s3c ret@host/r.git", "(a URL that does not parse)"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, DisplayURL(tt.raw)); diff != "" {
				t.Errorf("DisplayURL (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRemote(t *testing.T) {
	tests := []struct {
		raw     string
		want    remote
		wantErr string
	}{
		{raw: "https://host/r.git", want: remote{url: "https://host/r.git"}},
		{raw: "https://u:s3cret@host/r.git", want: remote{url: "https://host/r.git", user: "u", password: "s3cret", hasUser: true}},
		{raw: "https://u:s%40cret@host/r.git", want: remote{url: "https://host/r.git", user: "u", password: "s@cret", hasUser: true}},
		{raw: "https://ghp_s3cret@host/r.git", want: remote{url: "https://host/r.git", user: "ghp_s3cret", hasUser: true}},
		{raw: "ssh://git@host/r.git", want: remote{url: "ssh://git@host/r.git"}},
		{raw: "git@host:r.git", want: remote{url: "git@host:r.git"}},
		{raw: "file:///srv/r.git", want: remote{url: "file:///srv/r.git"}},
		{raw: "/srv/r.git", want: remote{url: "/srv/r.git"}},
		{raw: "https://host/r.git?access_token=s3cret", wantErr: "https://host/r.git?access_token=REDACTED: a query string or fragment cannot be sent"},
		{raw: "https://host/r.git#s3cret", wantErr: "https://host/r.git: a query string or fragment cannot be sent"},
		{raw: "ssh://git:s3cret@host/r.git", wantErr: "ssh://git@host/r.git: a ssh URL cannot carry a password"},
		{raw: "git:s3cret@host:r.git", wantErr: "git@host:r.git: an SSH URL cannot carry a password"},
		{raw: "https://u:s3c/ret@host/r.git", wantErr: "not a valid Git URL"},
		{raw: "relative/r.git", want: remote{url: "relative/r.git"}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := parseRemote(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "s3c") {
					t.Fatalf("parseRemote = %+v, %v; want an error starting %q, without the credential", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(remote{})); diff != "" {
				t.Errorf("parseRemote (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScrub(t *testing.T) {
	const secret = "p@ss w/rd"
	msg := "refused p@ss w/rd, p%40ss%20w%2Frd, p%40ss+w%2Frd and p%40ss%20w%2Frd from user:p%40ss%20w%2Frd@host"
	got := scrub(msg, "", secret)
	if strings.Contains(got, "ss") {
		t.Errorf("scrub = %q: a form of the secret is left", got)
	}
	if want := "refused REDACTED"; !strings.HasPrefix(got, want) {
		t.Errorf("scrub = %q, want it to start %q", got, want)
	}
}
