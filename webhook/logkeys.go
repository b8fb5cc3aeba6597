package webhook

// Keys of the audit log line, one per request that introduced drift. Their names are part of
// the log's interface: alerting and log queries use them.
const (
	logUID       = "uid"
	logUser      = "user"
	logGroups    = "groups"
	logOperation = "operation"
	logResource  = "resource"
	logKind      = "kind"
	logNamespace = "namespace"
	logName      = "name"
	logDryRun    = "dryRun"
	logDecision  = "decision"
	logRevision  = "revision"
	logFields    = "fields"
)

// Keys of the line logged when a request about a tracked object comes in another version
// than Git's (decision other-version).
const (
	logGitVersion     = "gitVersion"
	logRequestVersion = "requestVersion"
)

// Keys of the lines logged when a request cannot be judged or answered.
const (
	logStack  = "stack"  // a recovered panic's stack
	logStatus = "status" // the HTTP status of a request that is not a review
)

// Keys of the Recorder's lines.
const (
	logEvent    = "event"    // the name of a DriftAdmitted Event written
	logFailures = "failures" // records that failed since the last line about them
)

// loggerName names the logger of the request path's own lines (not the audit log's), as
// controller-runtime's webhook named it.
const loggerName = "admission"

// auditMessage is the message of the audit log line.
const auditMessage = "admission drift"
