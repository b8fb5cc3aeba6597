package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// eventually polls cond every 50ms until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not synchronisation
	}
}

// TestLoopKeepsLastGoodSetWithoutRemediating runs the check loop with --remediate: it repairs
// drift; while the manifests do not load it keeps reporting from the last good set but writes
// nothing; once they load again it repairs again.
func TestLoopKeepsLastGoodSetWithoutRemediating(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: looped}\ndata: {mode: git}\n"
	dir := writeFiles(t, map[string]string{"cm.yaml": cm})
	e.KubectlT(t, "", "-n", ns, "apply", "-f", dir)
	drift := func() { e.KubectlT(t, "", "-n", ns, "patch", "configmap/looped", "-p", `{"data":{"mode":"hand"}}`) }
	live := func() string {
		return e.KubectlT(t, "", "-n", ns, "get", "configmap/looped", "-o", "jsonpath={.data.mode}")
	}

	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut capture.Buffer
	var code int
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		code = app.Main(ctx, app.IOStreams{Out: &out, ErrOut: &errOut}, []string{
			"--manifests", dir, "--namespace", ns, "--kubeconfig", e.Kubeconfig,
			"--interval", "0.2", "--remediate", "--log-format", "json"})
	}()
	t.Cleanup(func() { cancel(); <-finished })
	checks := func() int { return strings.Count(errOut.String(), `"check done"`) }

	drift()
	eventually(t, "the loop to repair the drift", func() bool { return live() == "git" })

	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("kind: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a failed load to be logged", func() bool { return strings.Contains(errOut.String(), "manifests did not load") })
	drift()
	after := checks()
	eventually(t, "two more checks", func() bool { return checks() >= after+2 })
	if got := live(); got != "hand" {
		t.Fatalf("with manifests that do not load, the loop wrote: mode = %q, want hand", got)
	}
	if !strings.Contains(out.String(), "drift-detected") {
		t.Errorf("the last good set is not reported while the manifests are broken:\n%s", out.String())
	}

	if err := os.Remove(filepath.Join(dir, "broken.yaml")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the loop to repair once the manifests load", func() bool { return live() == "git" })
	cancel()
	<-finished
	if code != app.ExitOK {
		t.Errorf("exit code after cancel = %d, want 0", code)
	}
}
