package app

import (
	"context"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/webhook"
)

// warnRegistration reads the ValidatingWebhookConfiguration name and logs a warning for each
// kind of d whose changes it will not send the webhook in Git's version. An empty name turns
// the check off; a configuration that cannot be read is logged and skipped.
func warnRegistration(ctx context.Context, log logr.Logger, name string, client *cluster.Client, d *check.Desired) {
	if name == "" {
		return
	}
	cfg, err := client.WebhookConfiguration(ctx, name)
	switch {
	case apierrors.IsNotFound(err):
		log.Info("webhook configuration not found; not checking which versions the webhook is sent", logWebhookConfiguration, name)
		return
	case err != nil:
		log.Error(err, "cannot check which versions the webhook is sent", logWebhookConfiguration, name)
		return
	}
	desired.LogWarnings(log, webhook.RegistrationWarnings(d, cfg, client.Mapper))
}
