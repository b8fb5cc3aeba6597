package metrics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

func TestLeader(t *testing.T) {
	tests := []struct {
		name string
		set  []bool // SetLeader's calls, in order
		want map[string]float64
	}{
		{name: "no leader election", set: nil, want: map[string]float64{}},
		{name: "campaigning", set: []bool{false}, want: map[string]float64{"gitops_drift_leader": 0}},
		{name: "leading", set: []bool{false, true}, want: map[string]float64{"gitops_drift_leader": 1}},
		{name: "lease lost", set: []bool{false, true, false}, want: map[string]float64{"gitops_drift_leader": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := metrics.New(reg)
			if err != nil {
				t.Fatal(err)
			}
			for _, leading := range tt.set {
				m.SetLeader(leading)
			}
			got := map[string]float64{}
			if v, ok := values(t, reg)["gitops_drift_leader"]; ok {
				got["gitops_drift_leader"] = v
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestClearAudit: once the auditor stops (a lost lease), the replica exports no drift gauges,
// as a replica that never audited; the counters and the histogram stay.
func TestClearAudit(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.SetResources(metrics.Resources{InSync: 3, Drifted: 1, DriftedFields: 2})
	m.Audited(time.Unix(1700000000, 0), 250*time.Millisecond)
	m.SetContested(1)
	m.SetDriftedByScope(map[metrics.Scope]metrics.ScopeCounts{{Namespace: "prod", Kind: "Deployment"}: {Drifted: 1}})
	m.Remediation(metrics.ResultRemediated)
	m.ClearAudit()
	want := map[string]float64{
		"gitops_drift_audit_duration_seconds_count":          1,
		"gitops_drift_manifest_load_errors_total":            0,
		"gitops_drift_remediations_total{result=remediated}": 1,
	}
	if diff := cmp.Diff(want, values(t, reg)); diff != "" {
		t.Errorf("after ClearAudit (-want +got):\n%s", diff)
	}
	var none *metrics.Metrics
	none.SetLeader(true) // nil Metrics record nothing, as elsewhere
	none.ClearAudit()
}
