package auditor

import (
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// state is what the auditor derives once from a compiled desired state: the targets it checks
// (those not skipped, in the desired state's order: kind, namespace, name, group), their
// scopes, and an entry per target with its fingerprint, its last result and its record. Only
// the auditor's worker uses it.
type state struct {
	d       *check.Desired
	targets []*check.Target
	entries []entry // one per target
	// spans are the runs of consecutive targets of one scope; scopes, the distinct scopes.
	spans  []span
	scopes []scope
	// Reused by each full audit: the live object of each target, and the resources.
	found     []*unstructured.Unstructured
	resources []report.Resource
}

// span is a run of consecutive targets, from up to to, in one scope.
type span struct {
	scope    scope
	from, to int
}

// entry is what the auditor keeps of one target between audits: its fingerprint; its last
// result (Evaluate's, before any remediation) with the live object, and its resourceVersion,
// that it was computed from; and what the auditor last knew of the object (record).
type entry struct {
	fingerprint

	evaluated bool // res holds a result
	dryRun    bool // the result's check.Options.DryRun
	obj       *unstructured.Unstructured
	rv        string
	res       report.Resource

	rec record
}

// newState returns the state of d. From prev, the state checked before (nil for the first),
// it keeps the record of each target still there, and the result of each whose fingerprint is
// unchanged; and it returns the objects, by scope and name, whose cached copies may be
// narrower than what d needs of them (see live.relist): targets that are new or whose mask
// changed, and Secrets Git no longer tracks (their cached copies hold the data keys Git set).
func newState(d *check.Desired, h hasher, prev *state) (*state, map[scope][]string) {
	// At most one target and entry per target of d: grown by append, the entries' array
	// had up to a quarter more room than entries (15% more at 10,000).
	st := &state{d: d, targets: make([]*check.Target, 0, len(d.Targets)), entries: make([]entry, 0, len(d.Targets))}
	relist := map[scope][]string{}
	schemas := map[*diff.Schema]uint64{}
	var kept []bool // prev's targets still in d
	if prev != nil {
		kept = make([]bool, len(prev.targets))
	}
	for i := range d.Targets {
		t := &d.Targets[i]
		if t.Policy.Skip {
			continue
		}
		sc := targetScope(t)
		if n := len(st.spans); n == 0 || st.spans[n-1].scope != sc {
			st.spans = append(st.spans, span{scope: sc, from: len(st.targets)})
			if !slices.Contains(st.scopes, sc) {
				st.scopes = append(st.scopes, sc)
			}
		}
		st.spans[len(st.spans)-1].to = len(st.targets) + 1
		e := entry{fingerprint: h.target(t, schemas)}
		switch j := prev.find(t.Key); {
		case j >= 0:
			o := &prev.entries[j]
			if !o.sameMask(e.fingerprint) {
				relist[sc] = append(relist[sc], t.Key.Name)
			}
			if o.same(e.fingerprint) {
				e = *o
			}
			e.rec = o.rec
			kept[j] = true
		case prev != nil:
			relist[sc] = append(relist[sc], t.Key.Name)
		}
		st.targets = append(st.targets, t)
		st.entries = append(st.entries, e)
	}
	for j, ok := range kept {
		if k := prev.targets[j].Key; !ok && k.Group == "" && k.Kind == "Secret" {
			sc := targetScope(prev.targets[j])
			relist[sc] = append(relist[sc], k.Name)
		}
	}
	st.found = make([]*unstructured.Unstructured, len(st.targets))
	st.resources = make([]report.Resource, len(st.targets))
	return st, relist
}

// find returns the index of the target with key k, -1 when st (which may be nil) has none.
func (st *state) find(k manifest.Key) int {
	if st == nil {
		return -1
	}
	i, ok := slices.BinarySearchFunc(st.targets, k, func(t *check.Target, k manifest.Key) int { return manifest.CompareKeys(t.Key, k) })
	if ok {
		return i
	}
	// Not in order (a Desired built otherwise than by Compile): look it up.
	return slices.IndexFunc(st.targets, func(t *check.Target) bool { return t.Key == k })
}

// counts returns the drift gauges' values: of every target's record.
func (st *state) counts() metrics.Resources {
	var c metrics.Resources
	for i := range st.entries {
		st.entries[i].rec.addTo(&c)
	}
	return c
}

// evaluate returns the check of t (the entry's target) against obj, its live copy (nil when
// there is none), or err when it could not be read, as check.Evaluate computes it. The result
// is kept, and given again while the live copy is the same object or has the same
// resourceVersion: the entry of a changed target is a new one (newState). A missing object
// (nothing to diff) and an error (to be retried) are evaluated every time.
func (e *entry) evaluate(t *check.Target, obj *unstructured.Unstructured, err error, opts check.Options) report.Resource {
	if err != nil || obj == nil {
		e.evaluated, e.obj = false, nil
		return check.Evaluate(t, cluster.Live{Object: obj, Err: err}, opts)
	}
	if e.evaluated && e.dryRun == opts.DryRun && (obj == e.obj || resourceVersionOf(obj) == e.rv) {
		e.obj = obj
		return e.res
	}
	res := check.Evaluate(t, cluster.Live{Object: obj}, opts)
	e.rv = resourceVersionOf(obj)
	e.evaluated, e.dryRun, e.obj, e.res = e.rv != "", opts.DryRun, obj, res
	return res
}
