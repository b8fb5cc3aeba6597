package check_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
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
