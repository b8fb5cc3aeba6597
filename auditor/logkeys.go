package auditor

// Keys of the audit log. Their names are part of the log's interface: alerting and log queries
// use them.
const (
	logAuditID    = "auditID"
	logTrigger    = "trigger"
	logRevision   = "revision"
	logResource   = "resource"
	logAPIVersion = "apiVersion"
	logKind       = "kind"
	logNamespace  = "namespace"
	logName       = "name"
	logStatus     = "status"
	logAction     = "action"
	logFields     = "fields"
	logError      = "error"
	logManager    = "manager"
	logPaths      = "paths"
	logRetryAfter = "retryAfter"

	logDuration      = "durationSeconds"
	logResources     = "resources"
	logInSync        = "inSync"
	logDrifted       = "drifted"
	logMissing       = "missing"
	logErrors        = "errors"
	logDriftedFields = "driftedFields"
	logRemediated    = "remediated"
	logFailed        = "failed"
	logBlocked       = "blocked"
	logContested     = "contested"
	logRemediation   = "remediation"
	logWatching      = "watching"
)

// Messages of the audit log.
const (
	// msgDrift is the line of one resource that drifts, is missing or could not be read: at
	// every full audit, and when a watch event changes its drift.
	msgDrift = "audit drift"
	// msgResolved is the line of a resource back in sync.
	msgResolved = "audit drift resolved"
	// msgContested is the line of a resource whose repaired drift came back: once per
	// contest, naming the other manager.
	msgContested = "remediation contested"
	// msgSummary ends a full audit.
	msgSummary = "audit done"
)

// Values of the remediation key of the summary line.
const (
	remediationOff    = "off"
	remediationOn     = "on"
	remediationPaused = "paused: the latest manifests did not load"
)

// Keys and messages of the policy reports' writer (serve --policy-reports).
const (
	logAPI              = "api"
	logReportsApplied   = "applied"
	logReportsFailed    = "failed"
	logReportsUnchanged = "unchanged"

	// msgReportsWritten (V(1)) ends a round of writes that all succeeded.
	msgReportsWritten = "policy reports written"
	// msgReportsFailed is an error: report objects could not be listed or written.
	msgReportsFailed = "policy reports not written"
	// msgReportSkipped (V(1)): the report of a namespace that is gone, or going, was not
	// written.
	msgReportSkipped = "policy report skipped: namespace gone"
)
