package auditor

import (
	"context"
	"errors"
	"maps"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// Triggers of a check, in the audit log.
const (
	// triggerAudit: a full audit of every tracked object.
	triggerAudit = "audit"
	// triggerWatch: one object checked again after a watch event.
	triggerWatch = "watch"
)

// run is one check by the auditor: a full audit or one object checked again.
type run struct {
	id       string
	trigger  string
	revision string
}

// audit checks every tracked object, through the Runner that the CLI's check uses too, then
// logs, records Events and sets the gauges. Remediation is paused while the manifests fail to
// reload.
func (a *Auditor) audit(ctx context.Context) {
	start := time.Now()
	var d *check.Desired
	runner := check.Runner{
		Desired: func(context.Context) (*check.Desired, error) {
			d = a.store.Load()
			return d, a.opts.ReloadErr()
		},
		Live:    a.live,
		Options: a.checkOptions(),
	}
	r, err := runner.RunOnce(ctx)
	ru := run{id: a.newID(start), trigger: triggerAudit, revision: r.Revision}
	var stale *check.StaleError
	switch {
	case errors.As(err, &stale):
	case err != nil:
		a.log.Error(err, "audit skipped", logAuditID, ru.id)
		return
	}
	if ctx.Err() != nil {
		a.log.Info("audit interrupted", logAuditID, ru.id)
		return
	}
	a.watchOnly(d)
	next := make(ledger, len(r.Resources))
	for i := range r.Resources {
		res := &r.Resources[i]
		key := keyOf(res)
		next[key] = a.note(ru, res, a.ledger[key])
		a.contests.audited(key, res.Status == report.StatusInSync)
	}
	a.ledger = next
	a.contests.retain(func(k manifest.Key) bool { _, ok := next[k]; return ok })
	counts := next.counts()
	end := time.Now()
	a.opts.Metrics.SetResources(counts)
	a.opts.Metrics.SetContested(a.contests.count())
	a.opts.Metrics.Audited(end, end.Sub(start))
	a.summary(ru, r, counts, end.Sub(start), stale)
	if a.reports != nil {
		a.reports.audited(r, end, a.uidOf)
	}
}

// recheck checks one object again after a watch event. Only a change of its drift is
// reported and, with a Remediator, repaired: drift already reported (and, say, already found
// impossible to repair) waits for the next full audit.
func (a *Auditor) recheck(ctx context.Context, key manifest.Key) {
	d := a.store.Load()
	if d == nil {
		return
	}
	t, ok := d.Lookup(key)
	if !ok || t.Policy.Skip {
		return
	}
	start := time.Now()
	opts := a.checkOptions()
	live := a.live.Fetch(ctx, []*unstructured.Unstructured{t.Obj})[0]
	res := check.Evaluate(t, live, opts)
	prev := a.ledger[key]
	if driftHash(&res) == prev.drift && res.Status == prev.status && !a.contests.due(key, a.opts.Clock.Now()) {
		return // a change that leaves the drift as it was (status, fields Git does not set), and no write due
	}
	if a.rem != nil && (res.Status == report.StatusDrifted || res.Status == report.StatusMissing) && a.opts.ReloadErr() == nil {
		check.Remediate(ctx, a.rem, t, live.Object, &res)
	}
	if ctx.Err() != nil {
		return
	}
	a.ledger[key] = a.note(run{id: a.newID(start), trigger: triggerWatch, revision: d.Revision}, &res, prev)
	a.opts.Metrics.SetResources(a.ledger.counts())
	a.opts.Metrics.SetContested(a.contests.count())
}

// checkOptions are the options of every check: dry-run unless there is a Remediator.
func (a *Auditor) checkOptions() check.Options {
	return check.Options{DryRun: a.rem == nil, Remediator: a.rem}
}

// note reports what one check found and did about one resource, against what was last known
// of it (prev): the audit log line, the Events and the remediation counters. It returns the
// resource's new record. While an object stays contested, a watch-triggered check says
// nothing new: the contest was announced once (announce).
func (a *Auditor) note(ru run, res *report.Resource, prev record) record {
	a.attribute(res)
	drift := driftHash(res)
	isNew := drift != 0 && drift != prev.drift
	contested := res.Action.IsContested()
	if drift != 0 {
		a.contests.drifted(keyOf(res))
	}
	a.count(res, isNew)
	switch {
	case res.Status == report.StatusInSync:
		if prev.status != report.StatusInSync && prev.status != "" {
			a.logResolved(ru, res)
		}
	case contested && prev.action.IsContested() && ru.trigger == triggerWatch:
	case ru.trigger == triggerAudit || isNew || res.Status != prev.status || res.Action != prev.action:
		a.logResource(ru, res)
	}
	if contested {
		a.announce(ru, res)
	} else {
		a.events(ru, res, prev, isNew)
	}
	return recordOf(res, drift)
}

// count counts a remediation outcome; blocked drift once per distinct drift.
func (a *Auditor) count(res *report.Resource, isNew bool) {
	switch res.Action {
	case report.ActionRemediated:
		a.opts.Metrics.Remediation(metrics.ResultRemediated)
	case report.ActionCreated:
		a.opts.Metrics.Remediation(metrics.ResultCreated)
	case report.ActionRemediationFailed:
		a.opts.Metrics.Remediation(metrics.ResultFailed)
	case report.ActionBlocked:
		if isNew {
			a.opts.Metrics.Remediation(metrics.ResultBlocked)
		}
	}
}

// watchOnly stops the informers that the desired state d no longer needs, once per state.
func (a *Auditor) watchOnly(d *check.Desired) {
	if d == nil || d == a.scoped {
		return
	}
	a.scoped = d
	keep := make(map[scope]bool, len(a.scopes))
	for i := range d.Targets {
		if !d.Targets[i].Policy.Skip {
			keep[scopeOf(d.Targets[i].Obj)] = true
		}
	}
	if maps.Equal(keep, a.scopes) {
		return
	}
	a.scopes = keep
	a.live.retain(keep)
}

func groupOf(apiVersion string) string {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return gv.Group
}
