package desired

// Keys and messages of the pipeline's log lines. Their names are part of the logs' interface:
// log queries use them.
const (
	// logFile and logLine place a manifest warning: the file as given under --manifests
	// (or in the Git checkout) and the 1-based line of the object's document.
	logFile = "file"
	logLine = "line"
	// logWarning is the warning's text, without file and line.
	logWarning = "warning"
	// logRevision is the revision in force; logFailedRevision the one that did not load.
	logRevision       = "revision"
	logFailedRevision = "failedRevision"
	// logObjects is the number of objects of a state that loaded.
	logObjects = "objects"
	// logOK tells whether a refresh's poll succeeded.
	logOK = "ok"
)

// msgManifestWarning is the message of a manifest warning's log line.
const msgManifestWarning = "manifest warning"
