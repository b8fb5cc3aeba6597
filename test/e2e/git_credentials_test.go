package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// Credentials of the Git credential tests: none may show in any file or output.
const (
	gitUser     = "deployer"
	gitPassword = "pa55-w0rd-Never-Shown"
	queryToken  = "qu3ry-t0ken-Never-Shown"
)

// credentialURL returns url (http://host/...) with user and password in it.
func credentialURL(url, user, password string) string {
	return strings.Replace(url, "://", "://"+user+":"+password+"@", 1)
}

// runOnce runs the check (`gitops-drift --once`) with args and returns its exit code and output.
func runOnce(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary, append(args, "--once", "--log-level", "debug", "--log-format", "json")...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
}

// runServeToExit runs serve with args, expecting it to exit by itself (it cannot start), and
// returns its exit code and output.
func runServeToExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, append([]string{"serve", "--kubeconfig", shared.webhookKC, "--cert-dir", shared.certDir,
		"--webhook-port", fmt.Sprint(servetest.FreePort(t)), "--metrics-bind-address", "0", "--health-probe-bind-address", "0",
		"--log-level", "debug", "--log-format", "json"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("serve %q: %v; want it to fail\n%s", args, err, out.String())
	}
	return cmd.ProcessState.ExitCode(), out.String()
}

// wantNowhere fails the test if any of secrets is in the name or content of a file under dir,
// or in one of outputs.
func wantNowhere(t *testing.T, dir string, outputs []string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for i, o := range outputs {
			if strings.Contains(o, s) {
				t.Errorf("output %d shows %q:\n%s", i, s, o)
			}
		}
	}
	if dir == "" {
		return
	}
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		files++
		var data []byte
		if d.Type().IsRegular() {
			if data, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		for _, s := range secrets {
			if strings.Contains(p, s) || bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q", p, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files and directories under the cache checked", files)
}

// TestGitCredentialsNeverWritten runs the check and serve on a Git repository served over
// HTTP with basic authentication, the user and password in --git-url: they fetch, and neither
// the password nor the user name is in any file of --git-cache-dir or in any output (reports,
// logs at debug level, including the errors of a Git server gone away). A wrong password and a
// token in the query string fail naming the URL without them.
func TestGitCredentialsNeverWritten(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	repo := gitrepo.New(t)
	first := repo.Commit("frontend", gitFrontend("nginx:1.25"))
	url := repo.ServeHTTPAuth(gitUser, gitPassword)
	withPassword := credentialURL(url, gitUser, gitPassword)
	checkArgs := func(gitURL, cache string) []string {
		return []string{"--git-url", gitURL, "--git-path", "deploy", "--git-cache-dir", cache, "--namespace", ns, "--kubeconfig", shared.webhookKC}
	}

	t.Run("once", func(t *testing.T) {
		cache := t.TempDir()
		code, stdout, stderr := runOnce(t, append(checkArgs(withPassword, cache), "--output", "json")...)
		if code != 0 || !strings.Contains(stdout, first[:12]) {
			t.Fatalf("exit %d, stdout %s, stderr %s; want 0 and a report at %s", code, stdout, stderr, first[:12])
		}
		wantNowhere(t, cache, []string{stdout, stderr}, gitPassword, gitUser)
	})

	t.Run("serve", func(t *testing.T) {
		cache := t.TempDir()
		w := &webhook{t: t, env: e, ns: ns, out: &capture.Buffer{}, exited: make(chan struct{})}
		w.launch([]string{"--git-url", withPassword, "--git-path", "deploy", "--git-cache-dir", cache},
			"--git-poll-interval", "0.2", "--log-level", "debug")
		w.poll("the auditor to report frontend missing", 20*time.Second, func() bool {
			return w.logLine("audit drift", map[string]string{"name": "frontend", "revision": first[:12]}) != nil
		})
		// Fetch errors are logged with the URL: the server goes away, then comes back.
		repo.SetReachable(false)
		w.poll("a failed fetch", 20*time.Second, func() bool {
			v, _ := w.sample(`gitops_drift_source_fetch_errors_total`)
			return v > 0
		})
		repo.SetReachable(true)
		second := repo.Commit("frontend at 1.26", gitFrontend("nginx:1.26"))
		w.poll("the new commit", 20*time.Second, func() bool {
			v, _ := w.sample(fmt.Sprintf(`gitops_drift_desired_revision_info{revision=%q}`, second[:12]))
			return v == 1
		})
		metrics := w.metricsText()
		w.stop()
		wantContains(t, w.out.String(), "list references of "+url)
		wantNowhere(t, cache, []string{w.out.String(), metrics}, gitPassword, gitUser)
	})

	t.Run("wrong password", func(t *testing.T) {
		cache := t.TempDir()
		wrong := credentialURL(url, gitUser, "wrong-"+gitPassword)
		want := url + ": authentication required: the credentials of --git-url were refused"
		code, stdout, stderr := runOnce(t, checkArgs(wrong, cache)...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("check: exit %d, stderr %s; want 2 and %q", code, stderr, want)
		}
		code, out := runServeToExit(t, "--git-url", wrong, "--git-cache-dir", cache, "--namespace", ns)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("serve: exit %d, output %s; want an error and %q", code, out, want)
		}
		wantNowhere(t, cache, []string{stdout, stderr, out}, gitPassword, gitUser)
	})

	t.Run("token in the query string", func(t *testing.T) {
		cache := t.TempDir()
		withToken := url + "?access_token=" + queryToken
		want := url + "?access_token=REDACTED: a query string or fragment cannot be sent to a Git server"
		code, stdout, stderr := runOnce(t, checkArgs(withToken, cache)...)
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("check: exit %d, stderr %s; want 2 and %q", code, stderr, want)
		}
		code, out := runServeToExit(t, "--git-url", withToken, "--git-cache-dir", cache, "--namespace", ns)
		if code == 0 || !strings.Contains(out, want) {
			t.Errorf("serve: exit %d, output %s; want an error and %q", code, out, want)
		}
		wantNowhere(t, cache, []string{stdout, stderr, out}, queryToken)
	})
}

// metricsText returns everything serve's metrics endpoint serves now.
func (w *webhook) metricsText() string {
	w.t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", w.metrics))
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}
