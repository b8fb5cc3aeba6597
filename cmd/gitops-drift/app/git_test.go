package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

const gitConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-git}\ndata: {mode: git}\n"

// TestGitOnce checks a cluster against a Git repository over file:// and over HTTP with a
// token: clean after applying it, drift after a hand edit, and a clear exit 2 when the
// credentials are missing or wrong.
func TestGitOnce(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	repo := gitrepo.New(t)
	hash := repo.Commit("config", map[string]string{"deploy/cm.yaml": gitConfigMap, "README.md": "not a manifest\n"})
	e.KubectlT(t, gitConfigMap, "-n", ns, "apply", "-f", "-")
	tokenFile := filepath.Join(writeFiles(t, map[string]string{"token": "t0ken\n"}), "token")
	httpURL := repo.ServeHTTP("t0ken")
	base := []string{"--git-path", "deploy", "--git-cache-dir", t.TempDir(), "--namespace", ns, "--kubeconfig", e.Kubeconfig, "--once", "--fail-on-drift"}

	for name, args := range map[string][]string{
		"file": {"--git-url", repo.URL()},
		"http": {"--git-url", httpURL, "--git-token-file", tokenFile},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, append(args, base...)...)
			if code != app.ExitOK || !strings.Contains(out, "Git revision "+hash[:12]) {
				t.Fatalf("clean: exit %d, stdout %q, stderr %s; want 0 naming revision %s", code, out, errOut, hash[:12])
			}
		})
	}

	e.KubectlT(t, "", "-n", ns, "patch", "configmap/from-git", "-p", `{"data":{"mode":"hand"}}`)
	code, out, _ := run(t, append([]string{"--git-url", repo.URL()}, base...)...)
	if code != app.ExitDrift || !strings.Contains(out, "data.mode") || !strings.Contains(out, "Git revision : "+hash[:12]) {
		t.Errorf("hand edit: exit %d, stdout %q; want 1 with data.mode at %s", code, out, hash[:12])
	}

	for name, args := range map[string][]string{
		"no token":    {"--git-url", httpURL},
		"wrong token": {"--git-url", httpURL, "--git-token-file", filepath.Join(writeFiles(t, map[string]string{"bad": "nope\n"}), "bad")},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, append(args, base...)...)
			if code != app.ExitError || out != "" || !strings.Contains(errOut, "authentication required") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, no report, 'authentication required'", code, out, errOut)
			}
			if strings.Contains(errOut, "t0ken") || strings.Contains(errOut, "nope") {
				t.Errorf("stderr shows a token: %s", errOut)
			}
		})
	}
}

// overlayFiles is a base and an overlay into namespace ns: an image tag, a JSON patch and a
// configMapGenerator merged into the base's (testdata of pkg/source, namespace changed).
func overlayFiles(t *testing.T, ns string) map[string]string {
	t.Helper()
	files := map[string]string{}
	root := "../../../pkg/source/testdata/kustomize"
	for _, name := range []string{"base/kustomization.yaml", "base/deployment.yaml", "overlays/prod/kustomization.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = strings.ReplaceAll(string(b), "namespace: kustomize-prod", "namespace: "+ns)
	}
	return files
}

// TestKustomizeOverlay applies an overlay with the built `kubectl apply -k`, then checks it
// from a local directory and from a Git URL path: clean (generated names and all), then a
// hand edit of the image is found.
func TestKustomizeOverlay(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	files := overlayFiles(t, ns)
	dir := writeFiles(t, files)
	e.KubectlT(t, "", "apply", "-k", filepath.Join(dir, "overlays", "prod"))
	repo := gitrepo.New(t)
	hash := repo.Commit("overlay", files)
	sources := map[string][]string{
		"local": {"--manifests", filepath.Join(dir, "overlays", "prod")},
		"git":   {"--git-url", repo.URL(), "--git-path", "overlays/prod", "--git-cache-dir", t.TempDir()},
	}
	check := func(t *testing.T, args []string) (int, string, string) {
		return run(t, append(args, "--kubeconfig", e.Kubeconfig, "--once", "--fail-on-drift", "-o", "json")...)
	}
	for name, args := range sources {
		t.Run(name+" clean", func(t *testing.T) {
			code, out, errOut := check(t, args)
			if code != app.ExitOK || !strings.Contains(out, `"resources": 2`) {
				t.Fatalf("exit %d, stdout %s, stderr %s; want 0 with 2 resources", code, out, errOut)
			}
			if name == "git" && !strings.Contains(out, `"revision": "`+hash[:12]+`"`) {
				t.Errorf("report lacks revision %s: %s", hash[:12], out)
			}
		})
	}
	e.KubectlT(t, "", "-n", ns, "set", "image", "deployment/web", "web=nginx:1.28")
	for name, args := range sources {
		t.Run(name+" hand edit", func(t *testing.T) {
			code, out, _ := check(t, args)
			if code != app.ExitDrift || !strings.Contains(out, `"desired": "nginx:1.27"`) || !strings.Contains(out, `"live": "nginx:1.28"`) {
				t.Errorf("exit %d, stdout %s; want 1 with the image drifted", code, out)
			}
		})
	}
}

// TestGitLoopStale runs the check loop on a Git repository: a new commit is picked up, and a
// commit that does not load keeps the last good revision, reported as stale.
func TestGitLoopStale(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	repo := gitrepo.New(t)
	first := repo.Commit("config", map[string]string{"cm.yaml": gitConfigMap})
	e.KubectlT(t, gitConfigMap, "-n", ns, "apply", "-f", "-")

	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut capture.Buffer
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		app.Main(ctx, app.IOStreams{Out: &out, ErrOut: &errOut}, []string{
			"--git-url", repo.URL(), "--git-cache-dir", t.TempDir(), "--git-poll-interval", "0.1",
			"--namespace", ns, "--kubeconfig", e.Kubeconfig, "--interval", "0.1", "--log-format", "json"})
	}()
	t.Cleanup(func() { cancel(); <-finished })
	eventually(t, "a clean check of "+first[:12], func() bool { return strings.Contains(out.String(), "Git revision "+first[:12]+")") })

	second := repo.Commit("more", map[string]string{"cm.yaml": strings.Replace(gitConfigMap, "mode: git", "mode: two", 1)})
	eventually(t, "the drift against "+second[:12], func() bool { return strings.Contains(out.String(), "Git revision : "+second[:12]+"\n") })

	broken := repo.Commit("broken", map[string]string{"cm.yaml": "kind: [\n"})
	eventually(t, "a stale report", func() bool { return strings.Contains(out.String(), "Git revision : "+second[:12]+" (stale since ") })
	if !strings.Contains(errOut.String(), broken[:12]) {
		t.Errorf("the log does not name the revision that failed, %s:\n%s", broken[:12], errOut.String())
	}
}
