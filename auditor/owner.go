package auditor

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// contester returns the manager that wrote the drifted fields of live back: among the owners
// Compare names for the drifted fields (from managedFields), other than self, the one that
// wrote last. "" when managedFields do not tell (live is nil: the object was deleted).
func contester(t *check.Target, live *unstructured.Unstructured, self string) string {
	if live == nil {
		return ""
	}
	var best *diff.Owner
	for _, f := range t.Compare(live.Object) {
		if o := f.Owner; o != nil && o.Manager != self && (best == nil || o.Time.After(best.Time)) {
			best = o
		}
	}
	if best == nil {
		return ""
	}
	return best.Manager
}

// learnContest tells, for a drifted object the auditor has no record of (it restarted, or
// was just elected), whether the object is contested: the auditor's own Events (History) say
// that it wrote the object within an audit interval, or announced a contest within the longest
// backoff. It then names the writer from managedFields. Without a History, nothing is learnt.
func (a *Auditor) learnContest(ctx context.Context, t *check.Target, live *unstructured.Unstructured, now time.Time) (string, bool) {
	if a.opts.History == nil || live == nil {
		return "", false
	}
	reason, at, err := a.opts.History.Last(ctx, live)
	if err != nil {
		logr.FromContextOrDiscard(ctx).V(1).Info("remediation history unknown", "object", t.Key.String(), "error", err.Error())
		return "", false
	}
	window := a.opts.Interval
	if reason == ReasonRemediationContested {
		window = a.opts.ContestedBackoffMax
	}
	if at.IsZero() || now.Sub(at) >= window {
		return "", false
	}
	return contester(t, live, a.opts.FieldManager), true
}
