package auditor

import (
	"context"
	"errors"
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

// audit checks every tracked object, as check.Run does, then logs, records Events and sets
// the gauges. Only objects whose live copy or target changed since their last check are
// diffed again (see state); the rest of what an audit does is done for every object, every
// time. Remediation is paused while the manifests fail to reload.
func (a *Auditor) audit(ctx context.Context) {
	start := time.Now()
	ru := run{id: a.newID(start), trigger: triggerAudit}
	d, reloadErr := a.store.Load(), a.opts.ReloadErr()
	if d == nil {
		if reloadErr == nil {
			reloadErr = errNoDesired
		}
		a.log.Error(reloadErr, "audit skipped", logAuditID, ru.id)
		return
	}
	ru.revision = d.Revision
	opts := a.checkOptions()
	var stale *check.StaleError
	if reloadErr != nil {
		opts.Remediator = nil
		stale = &check.StaleError{Err: reloadErr}
	}
	st := a.track(d)
	r := a.check(ctx, st, opts)
	if ctx.Err() != nil {
		a.log.Info("audit interrupted", logAuditID, ru.id)
		return
	}
	for i := range r.Resources {
		res := &r.Resources[i]
		j := i
		if t := st.targets[i]; res.Name != t.Key.Name || res.Namespace != t.Key.Namespace || res.Kind != t.Key.Kind {
			j = st.find(keyOf(res)) // not in the targets' order: never with Compile's
		}
		e := &st.entries[j]
		e.rec = a.note(ru, res, e.rec)
		a.contests.audited(st.targets[j].Key, res.Status == report.StatusInSync)
	}
	a.contests.retain(func(k manifest.Key) bool { return st.find(k) >= 0 })
	counts := st.counts()
	end := time.Now()
	a.opts.Metrics.SetResources(counts)
	a.opts.Metrics.SetDriftedByScope(st.driftedByScope())
	a.opts.Metrics.SetContested(a.contests.count())
	a.opts.Metrics.Audited(end, end.Sub(start))
	a.summary(ru, r, counts, end.Sub(start), stale)
	if a.reports != nil {
		a.reports.audited(r, end, a.uidOf)
	}
}

// errNoDesired is why an audit is skipped before the first desired state.
var errNoDesired = errors.New("no desired state to check")

// check checks every target of st against its live copy, reusing the results of those whose
// live copy has not changed (entry.evaluate), and, with a Remediator, repairs the drifted and
// missing ones, Namespaces first, as check.Run does. The report's resources are in the
// targets' order.
func (a *Auditor) check(ctx context.Context, st *state, opts check.Options) report.Report {
	infs := a.live.watch(ctx, st.scopes)
	for _, sp := range st.spans {
		w := infs[sp.scope]
		if w.err == nil {
			w.inf.lookup(st.targets[sp.from:sp.to], st.found[sp.from:sp.to])
		} else {
			clear(st.found[sp.from:sp.to])
		}
		for i := sp.from; i < sp.to; i++ {
			st.resources[i] = st.entries[i].evaluate(st.targets[i], st.found[i], w.err, opts)
		}
	}
	if opts.Remediator != nil && !opts.DryRun {
		for _, i := range remediationOrder(st.targets) {
			if s := st.resources[i].Status; s == report.StatusDrifted || s == report.StatusMissing {
				check.Remediate(ctx, opts.Remediator, st.targets[i], st.found[i], &st.resources[i])
			}
		}
	}
	return report.New(st.d.Revision, st.resources)
}

// remediationOrder returns the indexes of targets in the order check.Run repairs them:
// Namespaces first, so that the objects created in a missing namespace find it.
func remediationOrder(targets []*check.Target) []int {
	order := make([]int, 0, len(targets))
	for pass := range 2 {
		for i, t := range targets {
			if (t.Key.Group == "" && t.Key.Kind == "Namespace") == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	return order
}

// track makes d the state the auditor checks: the informers' transform projects by it from
// then on, the informers of scopes d no longer has stop, and those whose cached copies may be
// narrower than d needs list again (see newState). It returns d's state, made once per d; a
// new run's caches (Start) get the view of the state it keeps. d stays packed: the caches'
// projections mark what equals Want rather than share it, and a full audit reads Want only
// for the objects that drift (check.Target.NoteInSync).
func (a *Auditor) track(d *check.Desired) *state {
	if a.state != nil && a.state.d == d && a.live.tracks(d) {
		return a.state
	}
	st, relist := a.state, map[scope][]string(nil)
	if st == nil || st.d != d {
		st, relist = newState(d, a.hash, a.state)
	}
	a.live.track(d)
	a.live.retain(st.scopes)
	a.live.relist(relist)
	a.state = st
	return st
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
	st := a.track(d)
	j := st.find(key)
	start := time.Now()
	opts := a.checkOptions()
	live := a.live.Fetch(ctx, []*unstructured.Unstructured{t.Identity()})[0]
	res := st.entries[j].evaluate(t, live.Object, live.Err, opts)
	prev := st.entries[j].rec
	if driftHash(&res) == prev.drift && res.Status == prev.status && !a.contests.due(key, a.opts.Clock.Now()) {
		return // a change that leaves the drift as it was (status, fields Git does not set), and no write due
	}
	if a.rem != nil && (res.Status == report.StatusDrifted || res.Status == report.StatusMissing) && a.opts.ReloadErr() == nil {
		check.Remediate(ctx, a.rem, t, live.Object, &res)
	}
	if ctx.Err() != nil {
		return
	}
	st.entries[j].rec = a.note(run{id: a.newID(start), trigger: triggerWatch, revision: d.Revision}, &res, prev)
	a.opts.Metrics.SetResources(st.counts())
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

func groupOf(apiVersion string) string {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return gv.Group
}
