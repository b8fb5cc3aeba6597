package app

import (
	"context"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/webhook"
)

// logWarnings logs each warning about the manifests, one line each, with its file and line
// as keys of their own.
func logWarnings(log logr.Logger, warnings []manifest.Warning) {
	for _, w := range warnings {
		log.Info(msgManifestWarning, logFile, w.File, logLine, w.Line, logWarning, w.Message)
	}
}

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
	logWarnings(log, webhook.RegistrationWarnings(d, cfg, client.Mapper))
}
