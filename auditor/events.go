package auditor

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// Reasons of the Events the auditor records on drifted objects.
const (
	// ReasonDriftDetected (Warning): the object drifts from Git, or is missing; recorded
	// when its drift changes, not at every audit.
	ReasonDriftDetected = "DriftDetected"
	// ReasonDriftRemediated (Normal): the object was written back to Git's state, or created.
	ReasonDriftRemediated = "DriftRemediated"
	// ReasonRemediationBlocked (Warning): the drift is left in place, as the object's
	// remediation policy (alert) says; recorded once per distinct drift.
	ReasonRemediationBlocked = "RemediationBlocked"
	// ReasonRemediationFailed (Warning): the write was refused, or the object still drifted
	// after it; recorded when the drift or the outcome changes.
	ReasonRemediationFailed = "RemediationFailed"
	// ReasonRemediationContested (Warning): drift that was repaired came back, written by
	// another manager (named); the auditor backs off. Recorded once per contest.
	ReasonRemediationContested = "RemediationContested"
)

// Actions of the Events (events.k8s.io/v1 requires one).
const (
	actionAudit     = "Audit"
	actionRemediate = "Remediate"
)

// maxNote bounds an Event's message: events.k8s.io/v1 refuses more than 1 kB.
const maxNote = 1000

// events records the Events of one checked resource: DriftDetected for new drift, then the
// outcome of its remediation, if any. Messages name fields, never values.
func (a *Auditor) events(ru run, res *report.Resource, prev record, isNew bool) {
	if a.opts.Recorder == nil || res.Status == report.StatusInSync || res.Status == report.StatusError {
		return
	}
	rev := report.RevisionText(ru.revision)
	type event struct{ kind, reason, action, note string }
	var out []event
	if isNew {
		out = append(out, event{corev1.EventTypeWarning, ReasonDriftDetected, actionAudit, detectedNote(res, rev)})
	}
	switch res.Action {
	case report.ActionRemediated:
		out = append(out, event{corev1.EventTypeNormal, ReasonDriftRemediated, actionRemediate,
			fieldsNote(fmt.Sprintf("restored %d field(s) to Git (%s)", len(res.Fields), rev), res.Fields)})
	case report.ActionCreated:
		out = append(out, event{corev1.EventTypeNormal, ReasonDriftRemediated, actionRemediate, "created as Git (" + rev + ") defines it"})
	case report.ActionBlocked:
		if isNew {
			out = append(out, event{corev1.EventTypeWarning, ReasonRemediationBlocked, actionRemediate,
				"drift left in place: the object's " + policy.AnnotationRemediationPolicy + " is alert (" + rev + ")"})
		}
	case report.ActionRemediationFailed:
		if isNew || prev.action != report.ActionRemediationFailed {
			out = append(out, event{corev1.EventTypeWarning, ReasonRemediationFailed, actionRemediate, failedNote(res, rev)})
		}
	}
	if len(out) == 0 {
		return
	}
	regarding := a.regarding(res)
	for _, e := range out {
		a.opts.Recorder.Eventf(regarding, nil, e.kind, e.reason, e.action, "%s", clip.End(e.note, maxNote))
	}
}

// announce records, once per contest, that res is contested: the RemediationContested Event,
// a log line naming the other manager and the contested counter.
func (a *Auditor) announce(ru run, res *report.Resource) {
	c := a.contests.m[keyOf(res)]
	if c == nil || c.announced {
		return
	}
	c.announced = true
	a.opts.Metrics.Remediation(metrics.ResultContested)
	a.logContested(ru, res, c)
	if a.opts.Recorder == nil {
		return
	}
	note := contestedNote(res, c, report.RevisionText(ru.revision))
	a.opts.Recorder.Eventf(a.regarding(res), nil, corev1.EventTypeWarning, ReasonRemediationContested, actionRemediate, "%s", clip.End(note, maxNote))
}

// contestedNote is the message of a RemediationContested Event.
func contestedNote(res *report.Resource, c *contest, rev string) string {
	who := "another writer"
	if c.by != "" {
		who = c.by
	}
	head := fmt.Sprintf("%s reverts Git's state (%s) after each remediation: the next write waits until %s, each later one twice as long",
		who, rev, c.next.UTC().Format(time.RFC3339))
	if res.Status == report.StatusMissing {
		return head + " (the object was deleted)"
	}
	return fieldsNote(head, res.Fields)
}

// regarding returns the object an Event is about: the live copy from the cache, so that the
// Event carries its UID (kubectl describe matches on it), or, for an object the cluster does
// not have, a reference built from its kind, namespace and name.
func (a *Auditor) regarding(res *report.Resource) runtime.Object {
	obj := &unstructured.Unstructured{}
	obj.SetAPIVersion(res.APIVersion)
	obj.SetKind(res.Kind)
	if a.live != nil {
		if live, err := a.live.get(a.live.ctx, scope{gvk: obj.GroupVersionKind(), namespace: res.Namespace}, res.Name); err == nil && live != nil {
			return live
		}
	}
	obj.SetNamespace(res.Namespace)
	obj.SetName(res.Name)
	return obj
}

func detectedNote(res *report.Resource, rev string) string {
	if res.Status == report.StatusMissing {
		return "missing: Git (" + rev + ") defines it"
	}
	return fieldsNote(fmt.Sprintf("%d field(s) drift from Git (%s)", len(res.Fields), rev), res.Fields)
}

func failedNote(res *report.Resource, rev string) string {
	if diff.IsSecret(res.APIVersion, res.Kind) {
		// An API server's refusal may quote the object; the log has the reason.
		return "could not restore Git's state (" + rev + "); the gitops-drift log has the reason"
	}
	return "could not restore Git's state (" + rev + "): " + res.Error
}

// fieldsNote is head, then the fields' paths, each with who changed it when known (the
// manager, and the person behind it), while they fit in an Event.
func fieldsNote(head string, fields []diff.Field) string {
	return report.FieldList(head, fields, report.Who, "", maxNote)
}
