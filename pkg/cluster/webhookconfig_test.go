package cluster_test

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// TestWebhookConfiguration reads a registration back as typed, and tells an absent one by
// apierrors.IsNotFound.
func TestWebhookConfiguration(t *testing.T) {
	e := kubeenv.Require(t, env)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WebhookConfiguration(t.Context(), "absent"); !apierrors.IsNotFound(err) {
		t.Fatalf("absent configuration: err = %v, want NotFound", err)
	}
	e.KubectlT(t, `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: read-back}
webhooks:
- name: validate.example.io
  admissionReviewVersions: [v1]
  sideEffects: None
  failurePolicy: Ignore
  clientConfig: {url: "https://127.0.0.1:1/validate"}
  rules:
  - {apiGroups: [autoscaling], apiVersions: [v2], resources: [horizontalpodautoscalers], operations: [UPDATE]}
`, "apply", "-f", "-")
	t.Cleanup(func() {
		_, _, _ = e.Run(context.Background(), "", "delete", "validatingwebhookconfiguration", "read-back")
	})
	cfg, err := c.WebhookConfiguration(t.Context(), "read-back")
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Webhooks[0]
	if w.MatchPolicy == nil || *w.MatchPolicy != "Equivalent" || w.Rules[0].APIVersions[0] != "v2" {
		t.Errorf("read back %+v; want the rule as written and the server's default matchPolicy Equivalent", w)
	}
}
