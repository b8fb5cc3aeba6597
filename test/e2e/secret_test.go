package e2e

import (
	"bytes"
	"encoding/base64"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/test/secrettest"
)

// PINs of the Secret test: in Git, live, and set by a hand edit. Six digits: a brute force of
// 10^6 candidates covers them all.
const (
	pinGit  = "493817"
	pinLive = "720394"
	pinEdit = "158203"
)

// secretGit is Git's Secret: its PIN is a number where the API wants a base64 string, so
// server-side apply refuses it with a type error that quotes the value.
const secretGit = `apiVersion: v1
kind: Secret
metadata:
  name: vault
data:
  pin: ` + pinGit + `
`

const secretLive = `apiVersion: v1
kind: Secret
metadata:
  name: vault
stringData:
  pin: "` + pinLive + `"
`

// TestSecretValuesNeverShown feeds gitops-drift a Secret whose value the API server quotes
// in an error, and reads every output: the check's text and JSON reports and debug logs,
// serve's audit and webhook logs, the Events, and the webhook's warnings. None shows a PIN,
// in the clear or base64-encoded, and a brute force of every 6-digit PIN against the hashes
// shown recovers none.
func TestSecretValuesNeverShown(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, secretLive)
	_, stderr, err := e.Run(t.Context(), secretGit, "apply", "-n", ns, "--server-side", "--dry-run=server", "-f", "-")
	if err == nil || !strings.Contains(stderr, pinGit) {
		t.Fatalf("precondition: server-side apply of Git's Secret should fail quoting %s; got %v: %s", pinGit, err, stderr)
	}

	w := startWebhook(t, e, ns, secretGit, "--remediate", "--audit-interval", "1h")
	w.poll("the failed remediation logged", 30*time.Second, func() bool {
		return w.logLine("audit drift", map[string]string{"name": "vault", "action": "remediation-failed"}) != nil
	})
	warned := w.mustKubectl("", "patch", "secret/vault", "--type", "merge", "-p", `{"stringData":{"pin":"`+pinEdit+`"}}`)
	if len(warningLines(warned)) == 0 {
		t.Errorf("no webhook warning for the Secret edit:\n%s", warned)
	}
	w.poll("the RemediationFailed Event", 10*time.Second, func() bool { return len(w.events("vault", "RemediationFailed")) > 0 })
	events, _, err := w.kubectl("", "", "get", "events", "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}

	outputs := map[string]string{"serve log": w.out.String(), "Events": events, "kubectl warnings": warned}
	for _, format := range []string{"text", "json"} {
		cmd := exec.CommandContext(t.Context(), binary, "--manifests", w.manifests, "--namespace", ns, "--kubeconfig", e.Kubeconfig,
			"--once", "--remediate", "--output", format, "--log-level", "debug")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err == nil {
			t.Errorf("check --remediate (%s) exited 0, want 2: the remediation fails", format)
		}
		outputs["check "+format+" report"], outputs["check "+format+" log"] = out.String(), errOut.String()
	}
	if r := outputs["check json report"]; !strings.Contains(r, `"remediation-failed"`) || !strings.Contains(r, "server-side apply: the API server answered") {
		t.Errorf("JSON report without the scrubbed failure:\n%s", r)
	}

	var all strings.Builder
	for name, out := range outputs {
		if out == "" {
			t.Errorf("%s: empty", name)
		}
		for _, pin := range []string{pinGit, pinLive, pinEdit} {
			for _, form := range []string{pin, base64.StdEncoding.EncodeToString([]byte(pin))} {
				if strings.Contains(out, form) {
					t.Errorf("%s shows %q:\n%s", name, form, out)
				}
			}
		}
		all.WriteString(out)
	}
	shown := secrettest.Digits(all.String())
	if len(shown) == 0 {
		t.Fatal("no redacted value with digits in any output: the brute force has nothing to attack")
	}
	if found := secrettest.BrutePINs(shown); len(found) > 0 {
		t.Errorf("a brute force of %d PINs recovered %v from the hashes shown", secrettest.Candidates, found)
	}
}
