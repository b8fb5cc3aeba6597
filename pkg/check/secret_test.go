package check_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// pathsOnly is an error that names paths only.
type pathsOnly struct{}

func (pathsOnly) Error() string { return "still drifts at [data.pin]" }
func (pathsOnly) SecretSafe()   {}

func TestSecretErrorText(t *testing.T) {
	const pin = "493817"
	secrets := schema.GroupResource{Resource: "secrets"}
	badRequest := apierrors.NewBadRequest(".data.pin: expected string, got &value.valueUnstructured{Value:" + pin + "}")
	invalid := apierrors.NewInvalid(schema.GroupKind{Kind: "Secret"}, "db", field.ErrorList{field.Invalid(field.NewPath("data", "pin"), pin, "must be base64")})
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a bad request, wrapped", fmt.Errorf("gave up after 1 attempts: %w", fmt.Errorf("server-side apply: %w", badRequest)),
			"gave up after 1 attempts: server-side apply: the API server answered BadRequest (400); its message is not shown for a Secret: it may quote the Secret's data"},
		{"invalid, with the causes' paths", fmt.Errorf("replace: %w", invalid),
			"replace: the API server answered Invalid (422) at data.pin (FieldValueInvalid); its message is not shown for a Secret: it may quote the Secret's data"},
		{"forbidden", apierrors.NewForbidden(secrets, "db", errors.New("no RBAC for "+pin)),
			"the API server answered Forbidden (403); its message is not shown for a Secret: it may quote the Secret's data"},
		{"an error that names paths only", fmt.Errorf("verify: %w", pathsOnly{}), "verify: still drifts at [data.pin]"},
		{"a cancellation", fmt.Errorf("wait: %w", context.Canceled), "wait: context canceled"},
		{"an error without a reason", fmt.Errorf("server-side apply: %w", &apierrors.StatusError{ErrStatus: metav1.Status{Code: 500, Message: pin}}),
			"server-side apply: the API server answered Internal Server Error (500); its message is not shown for a Secret: it may quote the Secret's data"},
		{"a bad request wrapped with text after it", fmt.Errorf("apply: %w (attempt 2)", badRequest),
			"the API server answered BadRequest (400); its message is not shown for a Secret: it may quote the Secret's data"},
		{"a cause without a field before one with", &apierrors.StatusError{ErrStatus: metav1.Status{Code: 422, Reason: metav1.StatusReasonInvalid, Message: pin,
			Details: &metav1.StatusDetails{Causes: []metav1.StatusCause{{Type: "Other", Message: pin}, {Type: metav1.CauseTypeFieldValueInvalid, Field: ".data.pin", Message: pin}}}}},
			"the API server answered Invalid (422) at data.pin (FieldValueInvalid); its message is not shown for a Secret: it may quote the Secret's data"},
		{"anything else", errors.New("decode " + pin), "*errors.errorString (not shown for a Secret: it may quote the Secret's data)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check.SecretErrorText(tt.err)
			if got != tt.want {
				t.Errorf("SecretErrorText() = %q\nwant %q", got, tt.want)
			}
			if strings.Contains(got, pin) {
				t.Errorf("SecretErrorText() shows the value: %q", got)
			}
		})
	}
}

// TestSecretErrorsScrubbed: a Secret's remediation and read errors reach the report without
// the server's message; a ConfigMap's keep it.
func TestSecretErrorsScrubbed(t *testing.T) {
	d := offlineDesired(t, `
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: app}
stringData: {pin: "493817"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: db, namespace: app}
data: {pin: "493817"}
`)
	refusal := fmt.Errorf("server-side apply: %w", apierrors.NewBadRequest("value 493817 is wrong"))
	for _, kind := range []string{"Secret", "ConfigMap"} {
		tg, _ := d.Lookup(manifest.Key{Kind: kind, Namespace: "app", Name: "db"})
		r := report.Resource{Status: report.StatusDrifted, Fields: []diff.Field{{Path: "data.pin"}}}
		check.Remediate(t.Context(), remediatorFunc(func() (check.Remediation, error) { return check.Remediation{}, refusal }),
			tg, &unstructured.Unstructured{Object: map[string]any{"kind": kind}}, &r)
		read := check.Evaluate(tg, cluster.Live{Err: fmt.Errorf("read: %w", apierrors.NewInternalError(errors.New("etcd says 493817")))}, check.Options{})
		leaks := strings.Contains(r.Error, "493817") || strings.Contains(read.Error, "493817")
		if want := kind == "ConfigMap"; leaks != want {
			t.Errorf("%s: errors %q and %q show the value: %v, want %v", kind, r.Error, read.Error, leaks, want)
		}
	}
}

// TestSecretHandEditOwner is the defect of issue 16: Git spells a Secret's key under
// stringData, a person changes it with kubectl patch of data. Whichever way Git was applied
// (client-side, whose applier owns data.K, or server-side, whose applier owns stringData.K), the
// report names kubectl-patch as who changed the field, at the path Git spells, and shows no
// value, neither in the clear nor base64-encoded.
func TestSecretHandEditOwner(t *testing.T) {
	if env == nil {
		t.Skip("needs the API server (not under -short)")
	}
	const (
		gitPlain  = "pw-git-7c41"
		livePlain = "pw-live-93d2"
	)
	manifests := `
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: ` + gitPlain + `, user: admin}
`
	patch := `{"data":{"password":"` + base64.StdEncoding.EncodeToString([]byte(livePlain)) + `"}}`
	for _, mode := range []string{"client-side", "server-side"} {
		t.Run(mode, func(t *testing.T) {
			f := drifttest.New(t, env, manifests)
			if mode == "server-side" {
				f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
			} else {
				f.Kubectl(t, "apply", "-f", f.Dir)
			}
			if diff := cmp.Diff([]handDrift{}, handDrifts(f.Check(t))); diff != "" {
				t.Fatalf("drift right after apply (-want +got):\n%s", diff)
			}
			f.Kubectl(t, "patch", "secret/creds", "-p", patch)
			r := f.Check(t)
			want := []handDrift{{"Secret/creds", "stringData.password", diff.Redacted, diff.Redacted, false, false, "kubectl-patch"}}
			if d := cmp.Diff(want, handDrifts(r)); d != "" {
				t.Errorf("drift after kubectl patch (-want +got):\n%s", d)
			}
			var out bytes.Buffer
			if err := report.Text(&out, r); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "changed by : kubectl-patch") {
				t.Errorf("text report does not name kubectl-patch:\n%s", out.String())
			}
			if err := report.JSON(&out, r); err != nil {
				t.Fatal(err)
			}
			for _, plain := range []string{gitPlain, livePlain} {
				for _, form := range []string{plain, base64.StdEncoding.EncodeToString([]byte(plain))} {
					if strings.Contains(out.String(), form) {
						t.Errorf("report shows %q:\n%s", form, out.String())
					}
				}
			}
		})
	}
}

// TestSecretFoldInSync applies Secrets whose stringData the API server folds in every way
// pkg/normalize must fold it (only stringData, a key in both data and stringData, an empty
// value, a key that needs quoting, an empty stringData), client-side and server-side: right
// after, nothing drifts, and a change of each key Git spells under stringData drifts there.
func TestSecretFoldInSync(t *testing.T) {
	if env == nil {
		t.Skip("needs the API server (not under -short)")
	}
	const manifests = `
apiVersion: v1
kind: Secret
metadata: {name: only}
stringData: {user: admin, password: pw-1}
---
apiVersion: v1
kind: Secret
metadata: {name: both}
data: {user: b2xk, ca.crt: Y2E=}
stringData: {user: admin, "tls.key": pw-2, empty: ""}
---
apiVersion: v1
kind: Secret
metadata: {name: none}
data: {a: Yg==}
stringData: {}
`
	for _, mode := range []string{"client-side", "server-side"} {
		t.Run(mode, func(t *testing.T) {
			f := drifttest.New(t, env, manifests)
			if mode == "server-side" {
				f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
			} else {
				f.Kubectl(t, "apply", "-f", f.Dir)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Fatalf("drift right after apply (-want +got):\n%s", diff)
			}
			x := base64.StdEncoding.EncodeToString([]byte("x"))
			f.Kubectl(t, "patch", "secret/only", "-p", `{"data":{"user":"`+x+`"}}`)
			f.Kubectl(t, "patch", "secret/both", "-p", `{"data":{"user":"`+x+`","tls.key":"`+x+`","empty":"`+x+`","ca.crt":"`+x+`"}}`)
			f.Kubectl(t, "patch", "secret/none", "-p", `{"data":{"a":"`+x+`"}}`)
			want := []string{
				`Secret/both data["ca.crt"]`, "Secret/both stringData.empty", `Secret/both stringData["tls.key"]`, "Secret/both stringData.user",
				"Secret/none data.a", "Secret/only stringData.user",
			}
			if diff := cmp.Diff(want, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after kubectl patch (-want +got):\n%s", diff)
			}
		})
	}
}
