package app_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

var strategies = []string{"apply", "replace"}

// seedCopy copies examples/desired and examples/inject-drift.sh into a new directory with the
// namespace demo renamed ns, so the scenario can run more than once on one server. It
// returns the manifests directory and the script's path.
func seedCopy(t *testing.T, ns string) (string, string) {
	t.Helper()
	demo := regexp.MustCompile(`\bdemo\b`)
	dir := t.TempDir()
	files := map[string]string{}
	for _, src := range []string{"../../../examples/desired/*.yaml", "../../../examples/inject-drift.sh"} {
		matches, err := filepath.Glob(src)
		if err != nil || len(matches) == 0 {
			t.Fatalf("glob %s: %v", src, err)
		}
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join("desired", filepath.Base(m))
			if strings.HasSuffix(m, ".sh") {
				name = filepath.Base(m)
			}
			files[name] = demo.ReplaceAllString(string(b), ns)
		}
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "desired"), filepath.Join(dir, "inject-drift.sh")
}

// parseReport decodes a JSON report.
func parseReport(t *testing.T, out string) report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("decode JSON report: %v\n%s", err, out)
	}
	return r
}

// actionsOf returns "Kind/name action (fields)" for every resource of r with an action.
func actionsOf(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		if res.Action == report.ActionNone {
			continue
		}
		s := res.Kind + "/" + res.Name + " " + string(res.Action)
		for _, f := range res.Fields {
			s += " " + f.Path
		}
		out = append(out, s)
	}
	return out
}

// resourceVersion returns the resourceVersion of a live object.
func resourceVersion(t *testing.T, e *kubeenv.Env, ns, obj string) string {
	t.Helper()
	return e.KubectlT(t, "", "-n", ns, "get", obj, "-o", "jsonpath={.metadata.resourceVersion}")
}

// TestRemediateSeedScenario runs the seed's scenario with --remediate: one run repairs
// everything, the Service whose label drifted included, with no manual step; Deployment/redis
// (remediation-policy alert) is reported remediation-blocked and not written. --fail-on-drift
// still exits 1: there was drift. A check afterwards finds only redis's drift.
func TestRemediateSeedScenario(t *testing.T) {
	e := kubeenv.Require(t, env)
	for _, s := range strategies {
		t.Run(s, func(t *testing.T) {
			ns := e.Namespace(t)
			dir, inject := seedCopy(t, ns)
			e.KubectlT(t, "", "apply", "-f", filepath.Join(dir, "namespace.yaml"))
			e.KubectlT(t, "", "apply", "-f", dir)
			script(t, e, inject)
			redis := resourceVersion(t, e, ns, "deployment/redis")
			args := []string{"--manifests", dir, "--namespace", ns, "--once", "--kubeconfig", e.Kubeconfig, "--fail-on-drift", "-o", "json"}

			code, out, errOut := run(t, append(args, "--remediate", "--remediation-strategy", s)...)
			if code != app.ExitDrift {
				t.Errorf("remediation run: exit %d, want %d: %s", code, app.ExitDrift, errOut)
			}
			want := []string{
				"ConfigMap/app-config remediated data.FEATURE_FLAGS data.LOG_LEVEL",
				"Deployment/frontend remediated spec.template.spec.containers[name=frontend].image" +
					" spec.template.spec.containers[name=frontend].resources.limits.cpu" +
					" spec.template.spec.containers[name=frontend].resources.limits.memory",
				"Deployment/redis drift-detected (remediation-blocked) spec.template.spec.containers[name=redis].image",
				"Namespace/" + ns + " remediated metadata.labels.env",
				"Service/frontend remediated metadata.labels.tier",
			}
			if diff := cmp.Diff(want, actionsOf(parseReport(t, out))); diff != "" {
				t.Errorf("remediation report (-want +got):\n%s", diff)
			}

			code, out, errOut = run(t, args...)
			if code != app.ExitDrift {
				t.Errorf("check after remediation: exit %d, want %d (redis still drifts): %s", code, app.ExitDrift, errOut)
			}
			want = []string{"Deployment/redis drift-detected (dry-run) spec.template.spec.containers[name=redis].image"}
			if diff := cmp.Diff(want, actionsOf(parseReport(t, out))); diff != "" {
				t.Errorf("check after remediation (-want +got):\n%s", diff)
			}
			if got := resourceVersion(t, e, ns, "deployment/redis"); got != redis {
				t.Errorf("Deployment/redis was written: resourceVersion %s -> %s", redis, got)
			}
		})
	}
}

// TestRemediateNothingWritten runs --remediate against drift it must not repair: manifests
// that do not load cleanly, and a cluster it cannot reach. It exits 2 and the drifted object
// keeps its resourceVersion.
func TestRemediateNothingWritten(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	const good = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: \"1\"}\n"
	e.KubectlT(t, good, "-n", ns, "apply", "-f", "-")
	e.KubectlT(t, "", "-n", ns, "patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"a":"2"}}`)
	before := resourceVersion(t, e, ns, "configmap/cfg")
	unreachable := writeFiles(t, map[string]string{"kc": `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`})
	tests := []struct {
		name       string
		files      map[string]string
		kubeconfig string
		want       string
	}{
		{
			name:       "malformed YAML next to a good manifest",
			files:      map[string]string{"good.yaml": good, "bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n data: [\n"},
			kubeconfig: e.Kubeconfig,
			want:       "bad.yaml:",
		},
		{
			name:       "bad annotation on the drifted object",
			files:      map[string]string{"good.yaml": strings.Replace(good, "{name: cfg}", "{name: cfg, annotations: {drift.gitops.io/remediation-policy: sometimes}}", 1)},
			kubeconfig: e.Kubeconfig,
			want:       "remediation-policy",
		},
		{
			name:       "unreachable cluster",
			files:      map[string]string{"good.yaml": good},
			kubeconfig: filepath.Join(unreachable, "kc"),
			want:       "cluster unreachable",
		},
	}
	for _, s := range strategies {
		for _, tc := range tests {
			t.Run(s+"/"+tc.name, func(t *testing.T) {
				dir := writeFiles(t, tc.files)
				code, out, errOut := run(t, "--manifests", dir, "--namespace", ns, "--once", "--kubeconfig", tc.kubeconfig,
					"--remediate", "--remediation-strategy", s)
				if code != app.ExitError || out != "" || !strings.Contains(errOut, tc.want) {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no report, %q", code, out, errOut, tc.want)
				}
				if got := resourceVersion(t, e, ns, "configmap/cfg"); got != before {
					t.Errorf("ConfigMap/cfg was written: resourceVersion %s -> %s", before, got)
				}
			})
		}
	}
}

// TestRemediationFailedExit2 asks for a change the API server refuses (a Deployment's selector
// is immutable): the resource is reported remediation-failed with the server's reason, the
// run exits 2 even without --fail-on-drift, and the other resources are remediated.
func TestRemediationFailedExit2(t *testing.T) {
	e := kubeenv.Require(t, env)
	const desired = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web, tier: x}}
  template:
    metadata: {labels: {app: web, tier: x}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`
	for _, s := range strategies {
		t.Run(s, func(t *testing.T) {
			ns := e.Namespace(t)
			live := strings.Replace(desired, "matchLabels: {app: web, tier: x}", "matchLabels: {app: web}", 1)
			e.KubectlT(t, strings.Replace(live, `a: "1"`, `a: "2"`, 1), "-n", ns, "apply", "-f", "-")
			dir := writeFiles(t, map[string]string{"desired.yaml": desired})

			code, out, errOut := run(t, "--manifests", dir, "--namespace", ns, "--once", "--kubeconfig", e.Kubeconfig,
				"--remediate", "--remediation-strategy", s, "-o", "json")
			if code != app.ExitError || !strings.Contains(errOut, "1 resource(s) could not be remediated") {
				t.Errorf("exit %d, stderr %q; want exit 2 naming the failed remediation", code, errOut)
			}
			r := parseReport(t, out)
			got := map[string]string{}
			for _, res := range r.Resources {
				got[res.Kind+"/"+res.Name] = string(res.Action)
				if res.Action == report.ActionRemediationFailed && !strings.Contains(res.Error, "field is immutable") {
					t.Errorf("%s/%s: error %q does not give the server's reason", res.Kind, res.Name, res.Error)
				}
			}
			want := map[string]string{"ConfigMap/cfg": "remediated", "Deployment/web": "remediation-failed"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
