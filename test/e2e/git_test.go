package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// gitFrontend is the Git state of the Git tests: frontend at image, and the sentinel
// ConfigMap the harness uses to tell when the webhook is called.
func gitFrontend(image string) map[string]string {
	return map[string]string{
		"deploy/frontend.yaml": strings.Replace(desiredApps[:strings.Index(desiredApps, "---")], "nginx:1.25", image, 1),
		"deploy/sentinel.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e2e-sentinel\ndata:\n  probe: git\n",
	}
}

// startGitServe starts `serve` on the Git repository at url, in namespace ns, and registers
// its webhook.
func startGitServe(t *testing.T, e *kubeenv.Env, ns, url string, args ...string) *webhook {
	t.Helper()
	w := &webhook{t: t, env: e, ns: ns, out: &capture.Buffer{}, exited: make(chan struct{})}
	w.launch([]string{"--git-url", url, "--git-path", "deploy", "--git-cache-dir", t.TempDir()}, args...)
	w.register()
	return w
}

// refresh posts to serve's /git/refresh with the secret and returns the revision it answers.
func (w *webhook) refresh(secret string) (int, string) {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.t.Context(), http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/git/refresh", w.metrics), nil)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Revision string }
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body.Revision
}

// TestGitCommitChangesImage: serve follows a Git repository over HTTP. A commit that changes
// frontend's image, picked up through /git/refresh without a restart, makes the old image
// drift (the auditor reports it against the new revision) and the new one allowed by the
// webhook in deny mode, which refused it before the commit.
func TestGitCommitChangesImage(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	repo := gitrepo.New(t)
	first := repo.Commit("frontend at 1.25", gitFrontend("nginx:1.25"))
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("refresh-me\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Polls are an hour apart: the commit below is picked up by the refresh alone.
	w := startGitServe(t, e, ns, repo.ServeHTTP(""), "--enforcement", "deny", "--exempt-groups", gitopsGroup,
		"--git-poll-interval", "1h", "--git-refresh-secret-file", secret, "--audit-interval", "1h")
	w.applyGit(gitFrontend("nginx:1.25")["deploy/frontend.yaml"])
	if v, _ := w.sample(fmt.Sprintf(`gitops_drift_desired_revision_info{revision=%q}`, first[:12])); v != 1 {
		t.Fatalf("revision in force is not %s", first[:12])
	}

	stderr := w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.26")
	wantContains(t, stderr, "denied the request", "revision "+first[:12], "Git has nginx:1.25, change sets nginx:1.26")

	second := repo.Commit("frontend at 1.26", gitFrontend("nginx:1.26"))
	if code, rev := w.refresh("refresh-me"); code != http.StatusOK || rev != second[:12] {
		t.Fatalf("refresh = %d %q, want 200 and %s", code, rev, second[:12])
	}
	w.poll("the auditor to report the old image against the new revision", 10*time.Second, func() bool {
		return w.logLine("audit drift", map[string]string{"name": "frontend", "revision": second[:12], "status": "drifted"}) != nil
	})
	line := w.logLine("audit drift", map[string]string{"name": "frontend", "revision": second[:12]})
	if got := fmt.Sprint(line["fields"]); !strings.Contains(got, "desired:nginx:1.26") || !strings.Contains(got, "live:nginx:1.25") {
		t.Errorf("audit line fields = %s, want nginx:1.26 desired and nginx:1.25 live", got)
	}

	stderr = w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.26")
	wantNoWarnings(t, stderr)
	stderr = w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.25")
	wantContains(t, stderr, "revision "+second[:12], "Git has nginx:1.26, change sets nginx:1.25")
	w.poll("frontend back in sync", 10*time.Second, func() bool {
		v, _ := w.sample(`gitops_drift_resources{state="drifted"}`)
		return v == 0
	})
}

// TestGitStaleWarns: when Git cannot be reached for longer than --git-max-staleness, a change
// the deny mode would refuse is allowed with a warning that says why.
func TestGitStaleWarns(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	repo := gitrepo.New(t)
	repo.Commit("frontend", gitFrontend("nginx:1.25"))
	w := startGitServe(t, e, ns, repo.URL(), "--enforcement", "deny", "--exempt-groups", gitopsGroup,
		"--git-poll-interval", "0.2", "--git-max-staleness", "1s", "--no-audit")
	w.applyGit(gitFrontend("nginx:1.25")["deploy/frontend.yaml"])
	w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.26")

	repo.SetReachable(false)
	w.poll("the staleness gauge", 15*time.Second, func() bool {
		v, _ := w.sample("gitops_drift_source_stale")
		return v == 1
	})
	stderr := w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.26")
	wantContains(t, stderr, "Warning: gitops-drift: not denied: Git could not be reached since", "Git has nginx:1.25, change sets nginx:1.26")
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz/git-fresh", w.health))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Error("/readyz/git-fresh answers 200 while stale")
	}

	repo.SetReachable(true)
	w.poll("the staleness gauge back at 0", 15*time.Second, func() bool {
		v, _ := w.sample("gitops_drift_source_stale")
		return v == 0
	})
	w.failKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.27")
}
