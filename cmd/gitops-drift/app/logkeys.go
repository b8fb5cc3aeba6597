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
	// logLease names the leader election's Lease (namespace/name), logIdentity this
	// replica's identity in it, and logLeader the identity of the replica seen holding it.
	logLease    = "lease"
	logIdentity = "identity"
	logLeader   = "leader"
	// logFile names a file serve was given but does not use (--git-refresh-secret-file with
	// secure metrics).
	logFile = "file"
)
