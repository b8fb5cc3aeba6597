package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestControllerOwned(t *testing.T) {
	injected := map[string]any{"annotations": map[string]any{"cert-manager.io/inject-ca-from": "ns/cert"}}
	tests := []struct {
		name string
		obj  map[string]any
		want []string
	}{
		{"aggregated ClusterRole", map[string]any{
			"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
			"aggregationRule": map[string]any{}, "rules": []any{},
		}, []string{"rules"}},
		{"plain ClusterRole", map[string]any{
			"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "rules": []any{},
		}, nil},
		{"Role of another group is not matched", map[string]any{
			"apiVersion": "example.com/v1", "kind": "ClusterRole", "aggregationRule": map[string]any{},
		}, nil},
		{"injected webhook configuration", map[string]any{
			"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration", "metadata": injected,
		}, []string{"webhooks[*].clientConfig.caBundle"}},
		{"webhook configuration without injection", map[string]any{
			"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
		}, nil},
		{"injected CRD", map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": injected,
		}, []string{"spec.conversion.webhook.clientConfig.caBundle"}},
		{"injected APIService", map[string]any{
			"apiVersion": "apiregistration.k8s.io/v1", "kind": "APIService", "metadata": injected,
		}, []string{"spec.caBundle"}},
		{"core kind", map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": injected}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range ControllerOwned(tc.obj) {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ControllerOwned (-want +got):\n%s", diff)
			}
		})
	}
}
