package cluster

import (
	"context"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// WebhookConfiguration returns the ValidatingWebhookConfiguration called name, with one GET.
// Errors wrap the API server's, so apierrors.IsNotFound tells an absent one.
func (c *Client) WebhookConfiguration(ctx context.Context, name string) (*admissionregistrationv1.ValidatingWebhookConfiguration, error) {
	gvr := admissionregistrationv1.SchemeGroupVersion.WithResource("validatingwebhookconfigurations")
	u, err := c.Dynamic.Resource(gvr).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get ValidatingWebhookConfiguration %s: %w", name, err)
	}
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &cfg); err != nil {
		return nil, fmt.Errorf("decode ValidatingWebhookConfiguration %s: %w", name, err)
	}
	return &cfg, nil
}
