package auditor

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// state is what the auditor derives once from a compiled desired state: the targets it checks
// (those not skipped), their objects and scopes, and an entry per target with its fingerprint
// and its last result. Only the auditor's worker uses it.
type state struct {
	d       *check.Desired
	targets []*check.Target
	objs    []*unstructured.Unstructured // the targets' objects, for LiveSource.Fetch
	entries []entry                      // one per target
	scopes  map[scope]bool               // the scopes of the targets
}

// entry is what the auditor keeps of one target between audits: its fingerprint, and its
// last result (Evaluate's, before any remediation) with the resourceVersion of the live object
// it was computed from.
type entry struct {
	fingerprint

	evaluated bool // res and rv hold a result
	dryRun    bool // the result's check.Options.DryRun
	rv        string
	res       report.Resource
}

// newState returns the state of d. From prev, the state checked before (nil for the first),
// it keeps the result of each target whose fingerprint and schema are unchanged, and it
// returns the objects, by scope and name, whose cached copies may be narrower than what d
// needs of them (see relist): targets that are new or whose mask changed, and Secrets Git
// no longer tracks (their cached copies hold the data keys Git set).
func newState(d *check.Desired, h hasher, prev *state) (*state, map[scope][]string) {
	st := &state{d: d, scopes: map[scope]bool{}}
	var old map[manifest.Key]int
	if prev != nil {
		old = make(map[manifest.Key]int, len(prev.targets))
		for i, t := range prev.targets {
			old[t.Key] = i
		}
	}
	relist := map[scope][]string{}
	schemas := map[*diff.Schema]uint64{}
	for i := range d.Targets {
		t := &d.Targets[i]
		if t.Policy.Skip {
			continue
		}
		sc := scopeOf(t.Obj)
		st.scopes[sc] = true
		e := entry{fingerprint: h.target(t, schemas)}
		if j, ok := old[t.Key]; ok {
			o := &prev.entries[j]
			if !o.sameMask(e.fingerprint) {
				relist[sc] = append(relist[sc], t.Key.Name)
			}
			if o.same(e.fingerprint) {
				e = *o
			}
			delete(old, t.Key)
		} else if prev != nil {
			relist[sc] = append(relist[sc], t.Key.Name)
		}
		st.targets = append(st.targets, t)
		st.objs = append(st.objs, t.Obj)
		st.entries = append(st.entries, e)
	}
	for k, j := range old {
		if k.Group == "" && k.Kind == "Secret" {
			sc := scopeOf(prev.targets[j].Obj)
			relist[sc] = append(relist[sc], k.Name)
		}
	}
	return st, relist
}

// evaluate returns the check of t (the entry's target) against live, as check.Evaluate
// computes it. The result is kept, and given again while the live object's resourceVersion
// stays the same: the entry of a changed target is a new one (newState). A missing object
// (nothing to diff) and an error (to be retried) are evaluated every time.
func (e *entry) evaluate(t *check.Target, live cluster.Live, opts check.Options) report.Resource {
	if live.Err != nil || live.Object == nil {
		e.evaluated = false
		return check.Evaluate(t, live, opts)
	}
	rv := resourceVersionOf(live.Object)
	if e.evaluated && e.rv == rv && e.dryRun == opts.DryRun {
		return e.res
	}
	res := check.Evaluate(t, live, opts)
	e.evaluated, e.dryRun, e.rv, e.res = rv != "", opts.DryRun, rv, res
	return res
}
