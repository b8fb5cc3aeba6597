package desired

import (
	"github.com/go-logr/logr"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// LogWarnings logs each warning about the manifests, one line each ("manifest warning"), with
// its file and line as keys of their own. A Loader logs the warnings of every set that loads;
// serve logs the webhook registration's warnings the same way.
func LogWarnings(log logr.Logger, warnings []manifest.Warning) {
	for _, w := range warnings {
		log.Info(msgManifestWarning, logFile, w.File, logLine, w.Line, logWarning, w.Message)
	}
}
