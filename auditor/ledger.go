package auditor

import (
	"encoding/json"
	"fmt"
	"hash/fnv"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// record is what the auditor last knew of one object: its state after the last check and
// whatever was done about it, and a hash of its drift, so that drift already reported is
// told from new drift. The auditor keeps one per target (entry.rec), across reloads; the zero
// record is an object never checked.
type record struct {
	status report.Status // after remediation: a remediated or created object is in sync
	fields int           // drifted fields
	drift  uint64        // hash of the drift; 0 when there is none
	action report.Action // what was done about the drift
}

// addTo counts r in the drift gauges' values c.
func (r record) addTo(c *metrics.Resources) {
	switch r.status {
	case report.StatusInSync:
		c.InSync++
	case report.StatusDrifted:
		c.Drifted++
		c.DriftedFields += r.fields
	case report.StatusMissing:
		c.Missing++
	case report.StatusError:
		c.Error++
	}
}

// driftedByScope returns the drifted and missing resources of every namespace and kind of the
// targets, zeros included (gitops_drift_drifted_resources). Full audits alone set them: it
// walks every target, too slow to repeat at every watch event of a large cluster.
func (st *state) driftedByScope() map[metrics.Scope]metrics.ScopeCounts {
	by := map[metrics.Scope]*metrics.ScopeCounts{}
	var s metrics.Scope
	var c *metrics.ScopeCounts
	for i, t := range st.targets {
		// Targets come in runs of one scope (Compile's order): look the counts up once a run.
		if c == nil || t.Key.Namespace != s.Namespace || t.Key.Kind != s.Kind {
			s = metrics.Scope{Namespace: t.Key.Namespace, Kind: t.Key.Kind}
			if c = by[s]; c == nil {
				c = &metrics.ScopeCounts{}
				by[s] = c
			}
		}
		switch st.entries[i].rec.status {
		case report.StatusDrifted:
			c.Drifted++
		case report.StatusMissing:
			c.Missing++
		}
	}
	out := make(map[metrics.Scope]metrics.ScopeCounts, len(by))
	for s, c := range by {
		out[s] = *c
	}
	return out
}

// recordOf returns the record of a checked resource whose drift hashes to drift. A remediated
// or created object counts as in sync, but its drift is remembered: the same drift coming back
// is not new (it makes the object contested, see contests). So does an object whose drift was
// gone when it was read to be repaired: nothing was written, but it is in sync, and the same
// drift seen again in a cache that had not caught up yet is not announced twice.
func recordOf(res *report.Resource, drift uint64) record {
	switch res.Action {
	case report.ActionRemediated, report.ActionCreated, report.ActionResolvedMeanwhile:
		return record{status: report.StatusInSync, drift: drift, action: res.Action}
	}
	r := record{status: res.Status, drift: drift, action: res.Action}
	if res.Status == report.StatusDrifted {
		r.fields = len(res.Fields)
	}
	return r
}

// driftHash hashes what drifts in res: its status and each field's path and values (Secret
// values come masked). It is 0 for a resource in sync or in error.
func driftHash(res *report.Resource) uint64 {
	if res.Status != report.StatusDrifted && res.Status != report.StatusMissing {
		return 0
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00", res.Status)
	for _, f := range res.Fields {
		d, _ := json.Marshal(f.Desired)
		l, _ := json.Marshal(f.Live)
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", f.Path, d, l)
	}
	if sum := h.Sum64(); sum != 0 {
		return sum
	}
	return 1
}

// keyOf returns the key of a checked resource.
func keyOf(res *report.Resource) manifest.Key {
	return manifest.Key{Group: groupOf(res.APIVersion), Kind: res.Kind, Namespace: res.Namespace, Name: res.Name}
}
