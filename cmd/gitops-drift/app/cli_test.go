package app_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/golden"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// run runs gitops-drift in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, append(args, "--log-format", "text"))
	return code, out.String(), errOut.String()
}

// writeFiles writes name → content into a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestUnreachableClusterExit2(t *testing.T) {
	kubeconfig := writeFiles(t, map[string]string{"kc": `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`})
	code, out, errOut := run(t, "--manifests", "../../../examples/desired", "--once", "--kubeconfig", filepath.Join(kubeconfig, "kc"))
	if code != app.ExitError || !strings.Contains(errOut, "cluster unreachable") || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no report, 'cluster unreachable'", code, out, errOut)
	}
}

func TestBadManifestsExit2(t *testing.T) {
	e := kubeenv.Require(t, env)
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"malformed YAML", map[string]string{"ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n data: [\n"},
			[]string{"bad.yaml:"}},
		{"duplicate object", map[string]string{"a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n", "b.yaml": "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n"},
			[]string{"b.yaml:2", "a.yaml:1", "ConfigMap default/same"}},
		{"unknown kind", map[string]string{"w.yaml": "apiVersion: nope.example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"},
			[]string{"w.yaml:1", "Gadget"}},
		{"missing name", map[string]string{"n.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"},
			[]string{"n.yaml:1", "metadata.name"}},
		{"bad annotation", map[string]string{"p.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p, annotations: {drift.gitops.io/skip: maybe}}\n"},
			[]string{"p.yaml:1", "drift.gitops.io/skip"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			code, out, errOut := run(t, "--manifests", dir, "--once", "--kubeconfig", e.Kubeconfig)
			if code != app.ExitError || out != "" {
				t.Errorf("exit %d, stdout %q; want exit 2 and no report", code, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr does not name %q:\n%s", w, errOut)
				}
			}
		})
	}
}

var (
	revisionLine  = regexp.MustCompile(`(?m)^Git revision : .*$`)
	revisionClean = regexp.MustCompile(`\(Git revision [^)]*\)`)
	ownerTime     = regexp.MustCompile(`(changed by : [^(\n]*\([^,)\n]*), [0-9-]+T[0-9:]+Z\)`)
	ownerTimeJSON = regexp.MustCompile(`"time": "[0-9-]+T[0-9:]+Z"`)
)

// normalize replaces the Git revision, which changes with every commit, and the times of the
// owners' writes.
func normalize(s string) string {
	s = revisionLine.ReplaceAllString(s, "Git revision : <revision>")
	s = ownerTime.ReplaceAllString(s, "$1, <time>)")
	s = ownerTimeJSON.ReplaceAllString(s, `"time": "<time>"`)
	return revisionClean.ReplaceAllString(s, "(Git revision <revision>)")
}

// TestSeedScenario is the demo: apply examples/desired, inject drift with
// examples/inject-drift.sh, check that the report is the seed's (5 resources, 8 fields,
// Deployment/api absent), remediate in one run (Deployment/redis is blocked by its policy),
// fix redis by hand, and check that the cluster is clean; RUNBOOK.md must show every output.
func TestSeedScenario(t *testing.T) {
	e := kubeenv.Require(t, env)
	e.KubectlT(t, "", "apply", "-f", "../../../examples/desired/namespace.yaml")
	e.KubectlT(t, "", "apply", "-f", "../../../examples/desired/")
	args := []string{"--manifests", "../../../examples/desired", "--namespace", "demo", "--once", "--kubeconfig", e.Kubeconfig}

	code, clean, errOut := run(t, args...)
	if code != app.ExitOK {
		t.Fatalf("clean check: exit %d: %s", code, errOut)
	}
	inject := script(t, e, "../../../examples/inject-drift.sh")
	code, drift, errOut := run(t, args...)
	if code != app.ExitOK {
		t.Fatalf("drift check without --fail-on-drift: exit %d: %s", code, errOut)
	}
	if code, _, _ := run(t, append(args, "--fail-on-drift")...); code != app.ExitDrift {
		t.Errorf("--fail-on-drift: exit %d, want %d", code, app.ExitDrift)
	}
	_, jsonOut, _ := run(t, append(args, "-o", "json")...)

	code, remediated, errOut := run(t, append(args, "--remediate")...)
	if code != app.ExitOK {
		t.Fatalf("--remediate: exit %d: %s", code, errOut)
	}
	_, after, _ := run(t, args...)
	e.KubectlT(t, "", "-n", "demo", "set", "image", "deployment/redis", "redis=redis:7.2")
	_, cleanAgain, _ := run(t, args...)
	if cleanAgain != clean {
		t.Errorf("after remediation and the manual redis fix, the check says:\n%s\nwant:\n%s", cleanAgain, clean)
	}

	golden.Check(t, "seed-clean.txt", normalize(clean))
	golden.Check(t, "seed-inject.txt", inject)
	golden.Check(t, "seed-report.txt", normalize(drift))
	golden.Check(t, "seed-report.json", ownerTimeJSON.ReplaceAllString(regexp.MustCompile(`"revision": ".*"`).ReplaceAllString(jsonOut, `"revision": "<revision>"`), `"time": "<time>"`))
	if strings.Contains(drift, "Deployment/api") {
		t.Errorf("the skipped Deployment/api is in the report:\n%s", drift)
	}
	golden.Check(t, "seed-remediate.txt", normalize(remediated))
	golden.Check(t, "seed-after-remediate.txt", normalize(after))
	runbookShows(t, normalize(clean), inject, normalize(drift), normalize(remediated), normalize(after))
}

// script runs a shell script with the test server's kubectl and kubeconfig and returns its
// combined output.
func script(t *testing.T, e *kubeenv.Env, path string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "bash", path)
	cmd.Env = append(os.Environ(), "KUBECTL="+e.Kubectl, "KUBECONFIG="+e.Kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, out)
	}
	return string(out)
}

// runbookShows fails unless RUNBOOK.md contains every output, each as the body of a fenced
// block, so the walkthrough's expected output stays true.
func runbookShows(t *testing.T, outputs ...string) {
	t.Helper()
	book, err := os.ReadFile("../../../RUNBOOK.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range outputs {
		if !strings.Contains(string(book), "```\n"+out+"```\n") {
			t.Errorf("RUNBOOK.md does not show this output in a fenced block:\n%s", out)
		}
	}
}
