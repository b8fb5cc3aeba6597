package metrics

import "github.com/prometheus/client_golang/prometheus"

// newLeader returns gitops_drift_leader. Without labels it is a vector all the same, absent
// until SetLeader is first called: serve without --leader-elect exports none.
func newLeader() *prometheus.GaugeVec {
	return prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "gitops_drift_leader",
		Help: "1 while this replica holds the leader Lease and runs the auditor, 0 while it campaigns for it (serve --leader-elect only).",
	}, nil)
}

// SetLeader records whether this replica leads: it holds the Lease and runs the auditor.
func (m *Metrics) SetLeader(leading bool) {
	if m == nil {
		return
	}
	v := 0.0
	if leading {
		v = 1
	}
	m.leader.WithLabelValues().Set(v)
}

// ClearAudit removes the gauges of the last audit (resources by state, drifted fields,
// drifted resources by namespace and kind, contested resources, the last audit's time): the auditor has stopped, and a replica that
// does not audit exports none of them. Counters and the duration histogram stay.
func (m *Metrics) ClearAudit() {
	if m == nil {
		return
	}
	m.resources.Reset()
	m.driftedFields.Reset()
	m.contested.Reset()
	m.lastAudit.Reset()
	m.drifted.set(nil)
}
