package e2e

import (
	"bytes"
	"context"
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

const secretGit = `apiVersion: v1
kind: Secret
metadata:
  name: vault
stringData:
  pin: "` + pinGit + `"
`

// pinPolicy refuses gitops-drift's writes to Secrets in the namespace NS with a message that
// quotes the PIN (as data holds it, base64-encoded), as policy engines' messages often quote
// the value they refuse.
const pinPolicy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: NS-pin
spec:
  failurePolicy: Fail
  matchConstraints:
    namespaceSelector:
      matchLabels: {kubernetes.io/metadata.name: NS}
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [secrets]
  matchConditions:
    - name: gitops-drift
      expression: "request.userInfo.username.startsWith('system:serviceaccount:drift-system:')"
  validations:
    - expression: "false"
      messageExpression: "'pin ' + string(object.data['pin']) + ' is not allowed here'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: NS-pin
spec:
  policyName: NS-pin
  validationActions: [Deny]
`

const secretLive = `apiVersion: v1
kind: Secret
metadata:
  name: vault
stringData:
  pin: "` + pinLive + `"
`

// TestSecretValuesNeverShown feeds gitops-drift a Secret whose value the API server quotes
// in its refusal of the remediation (an admission policy's message), and reads every output:
// the check's text and JSON reports and debug logs, serve's audit and webhook logs, the
// Events, and the webhook's warnings. None shows a PIN, in the clear or base64-encoded, and a
// brute force of every 6-digit PIN against the hashes shown recovers none.
func TestSecretValuesNeverShown(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, secretLive)
	policy := strings.ReplaceAll(pinPolicy, "NS", ns)
	applyAdmin(t, e, ns, policy)
	t.Cleanup(func() { _, _, _ = e.Run(context.Background(), policy, "delete", "-f", "-") })
	pollFor(t, "the policy to quote the PIN in its refusal of gitops-drift", 30*time.Second, func() bool {
		// The Secret as gitops-drift's remediation sends it, as gitops-drift.
		_, stderr, err := e.Run(t.Context(), secretGit, "--kubeconfig", shared.webhookKC, "apply", "-n", ns,
			"--server-side", "--field-manager", "gitops-drift", "--force-conflicts", "--dry-run=server", "-f", "-")
		return err != nil && strings.Contains(stderr, base64.StdEncoding.EncodeToString([]byte(pinGit)))
	})

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
		cmd := exec.CommandContext(t.Context(), binary, "--manifests", w.manifests, "--namespace", ns, "--kubeconfig", shared.webhookKC,
			"--once", "--remediate", "--output", format, "--log-level", "debug")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err == nil {
			t.Errorf("check --remediate (%s) exited 0, want 2: the remediation fails", format)
		}
		outputs["check "+format+" report"], outputs["check "+format+" log"] = out.String(), errOut.String()
	}
	const scrubbed = "server-side apply: the API server answered Invalid (422); its message is not shown for a Secret: it may quote the Secret's data"
	if r := outputs["check json report"]; !strings.Contains(r, `"remediation-failed"`) || !strings.Contains(r, scrubbed) {
		t.Errorf("JSON report without the scrubbed failure %q:\n%s", scrubbed, r)
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

// pollFor calls done until it returns true, failing the test after timeout.
func pollFor(t *testing.T, what string, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond) // a poll interval, not synchronisation
	}
}
