package auditor

import (
	"encoding/json"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// maxLogValue bounds the JSON of one value in the audit log.
const maxLogValue = 256

// logField is one drifted field in the audit log: its path and its desired and live values
// (null when absent; Secret values come masked from pkg/diff). A value whose JSON is longer
// than maxLogValue is given as that JSON, shortened, in a string.
// Default, Added and Owner are as in diff.Field: the desired value is the API default, the
// field is not in Git, and who wrote the live value.
type logField struct {
	Path    string    `json:"path"`
	Desired any       `json:"desired"`
	Live    any       `json:"live"`
	Default bool      `json:"default,omitempty"`
	Added   bool      `json:"added,omitempty"`
	Owner   *logOwner `json:"owner,omitempty"`
}

// logOwner is diff.Owner without its String method, so that the JSON log keeps its fields.
type logOwner diff.Owner

func logFieldsOf(fields []diff.Field) []logField {
	out := make([]logField, len(fields))
	for i, f := range fields {
		out[i] = logField{Path: f.Path, Desired: logValue(f.Desired), Live: logValue(f.Live), Default: f.Default, Added: f.Added, Owner: (*logOwner)(f.Owner)}
	}
	return out
}

func logValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil || len(b) <= maxLogValue {
		return v
	}
	return clip.End(string(b), maxLogValue)
}

// logResource writes the audit log line of a resource that is not in sync.
func (a *Auditor) logResource(ru run, res *report.Resource) {
	kv := append(resourceKV(ru, res),
		logStatus, res.Status,
		logAction, res.Action,
		logFields, logFieldsOf(res.Fields),
	)
	if res.Error != "" {
		kv = append(kv, logError, res.Error)
	}
	a.log.Info(msgDrift, kv...)
}

// logContested writes the line of a resource that became contested: the other manager, the
// drifted paths and the time of the next write.
func (a *Auditor) logContested(ru run, res *report.Resource, c *contest) {
	kv := append(resourceKV(ru, res),
		logManager, c.by,
		logPaths, paths(res.Fields),
		logRetryAfter, c.next.UTC().Format(time.RFC3339),
	)
	a.log.Info(msgContested, kv...)
}

// logResolved writes the line of a resource back in sync.
func (a *Auditor) logResolved(ru run, res *report.Resource) {
	a.log.Info(msgResolved, resourceKV(ru, res)...)
}

// resourceKV are the keys that start every line about one resource: the audit and the object.
func resourceKV(ru run, res *report.Resource) []any {
	return []any{
		logAuditID, ru.id,
		logTrigger, ru.trigger,
		logRevision, ru.revision,
		logResource, keyOf(res).String(),
		logAPIVersion, res.APIVersion,
		logKind, res.Kind,
		logNamespace, res.Namespace,
		logName, res.Name,
	}
}

// summary writes the line that ends a full audit.
func (a *Auditor) summary(ru run, r report.Report, c metrics.Resources, d time.Duration, stale *check.StaleError) {
	var remediated, failed, blocked, contested int
	for _, res := range r.Resources {
		switch {
		case res.Action == report.ActionRemediated, res.Action == report.ActionCreated:
			remediated++
		case res.Action == report.ActionRemediationFailed:
			failed++
		case res.Action == report.ActionBlocked:
			blocked++
		case res.Action.IsContested():
			contested++
		}
	}
	remediation := remediationOff
	switch {
	case stale != nil && a.rem != nil:
		remediation = remediationPaused
	case a.rem != nil:
		remediation = remediationOn
	}
	kv := []any{
		logAuditID, ru.id,
		logRevision, ru.revision,
		logDuration, d.Seconds(),
		logResources, len(r.Resources),
		logInSync, c.InSync,
		logDrifted, c.Drifted,
		logMissing, c.Missing,
		logErrors, c.Error,
		logDriftedFields, c.DriftedFields,
		logRemediated, remediated,
		logFailed, failed,
		logBlocked, blocked,
		logContested, contested,
		logRemediation, remediation,
		logWatching, a.live.watched(),
	}
	if stale != nil {
		kv = append(kv, logError, stale.Err.Error())
	}
	a.log.Info(msgSummary, kv...)
}
