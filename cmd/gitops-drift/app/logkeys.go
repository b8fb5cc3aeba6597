package app

// Keys and messages of the log lines the commands write themselves (the auditor and the
// webhook have their own). Their names are part of the logs' interface: log queries use them.
const (
	// logFile and logLine place a manifest warning: the file as given under --manifests
	// and the 1-based line of the object's document.
	logFile = "file"
	logLine = "line"
	// logWarning is the warning's text, without file and line.
	logWarning = "warning"
	// logWebhookConfiguration names the ValidatingWebhookConfiguration serve checks its
	// manifests against (--webhook-configuration).
	logWebhookConfiguration = "webhookConfiguration"
	// logLease names the leader election's Lease (namespace/name), logIdentity this
	// replica's identity in it, and logLeader the identity of the replica seen holding it.
	logLease    = "lease"
	logIdentity = "identity"
	logLeader   = "leader"
)

// msgManifestWarning is the message of a manifest warning's log line.
const msgManifestWarning = "manifest warning"
