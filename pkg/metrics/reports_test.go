package metrics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

func TestPolicyReportMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.PolicyReportWrites(metrics.ReportApplied, 3)
	m.PolicyReportWrites(metrics.ReportApplied, 0)
	m.PolicyReportWrites(metrics.ReportFailed, 1)
	got := values(t, reg)
	want := map[string]float64{
		"gitops_drift_policy_report_writes_total{result=applied}": 3,
		"gitops_drift_policy_report_writes_total{result=failed}":  1,
	}
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	var none *metrics.Metrics
	none.PolicyReportWrites(metrics.ReportFailed, 1) // nil Metrics record nothing, as elsewhere
}
