package app

// Keys of the log lines the commands write themselves (the auditor, the webhook and the
// desired-state pipeline, manifest warnings included, have their own). Their names are part
// of the logs' interface: log queries use them.
const (
	// logSecret names a Secret (namespace/name) serve reads or writes, never its data.
	logSecret = "secret"
	// logWebhookConfiguration names the ValidatingWebhookConfiguration serve checks its
	// manifests against (--webhook-configuration).
	logWebhookConfiguration = "webhookConfiguration"
)
