package app_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

func TestOutputMarkdownFlag(t *testing.T) {
	for _, args := range [][]string{{"--output", "markdown"}, {"-o", "markdown"}, {"--output=markdown"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			got, _, err := parse(t, append([]string{"--manifests", "d"}, args...)...)
			if err != nil || got.Output != "markdown" {
				t.Errorf("options %+v, error %v; want Output markdown", got, err)
			}
		})
	}
}

// TestCheckMarkdown runs the CI gate of examples/ci against a real API server: a drifted
// ConfigMap (patched by hand) and a drifted Secret give exit 1 and a Markdown report that
// names who changed them and never shows the Secret's values.
func TestCheckMarkdown(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	gitValue, liveValue := "git-side-value", "hand-set-value"
	dir := writeFiles(t, map[string]string{"app.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {password: ` + base64.StdEncoding.EncodeToString([]byte(gitValue)) + `}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-applied}
data: {a: b}
`})
	e.KubectlT(t, "", "-n", ns, "apply", "-f", dir+"/app.yaml")
	e.KubectlT(t, "", "-n", ns, "delete", "configmap", "not-applied")
	e.KubectlT(t, "", "-n", ns, "patch", "configmap", "app", "-p", `{"data":{"LOG_LEVEL":"debug"}}`)
	e.KubectlT(t, "", "-n", ns, "patch", "secret", "creds", "-p",
		`{"data":{"password":"`+base64.StdEncoding.EncodeToString([]byte(liveValue))+`"}}`)

	code, out, errOut := run(t, "--manifests", dir, "--namespace", ns, "--once", "--output", "markdown", "--fail-on-drift", "--kubeconfig", e.Kubeconfig)
	if code != app.ExitDrift {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, app.ExitDrift, errOut)
	}
	for _, secret := range []string{gitValue, liveValue, base64.StdEncoding.EncodeToString([]byte(gitValue)), base64.StdEncoding.EncodeToString([]byte(liveValue))} {
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("the output shows a value of the Secret (not printed here)")
		}
	}
	for _, want := range []string{
		"<!-- gitops-drift report -->\n### gitops-drift: drift found\n",
		"· 3 resources: 2 drifted (2 fields), 1 missing, 0 errors, 0 in sync\n",
		"| `ConfigMap/" + ns + "/app` | drifted | drift-detected (dry-run) | 1 | `kubectl-patch` |\n",
		"| `ConfigMap/" + ns + "/not-applied` | missing | drift-detected (dry-run) | — |  |\n",
		"| `Secret/" + ns + "/creds` | drifted | drift-detected (dry-run) | 1 | `kubectl-patch` |\n",
		"<details><summary><code>ConfigMap/" + ns + "/app</code>: drifted, 1 field</summary>\n",
		"| `data.LOG_LEVEL` | `info` | `debug` | `kubectl-patch (Update, ",
		"| `data.password` | `<redacted hmac:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
