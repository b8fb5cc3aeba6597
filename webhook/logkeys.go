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

// auditMessage is the message of the audit log line.
const auditMessage = "admission drift"
