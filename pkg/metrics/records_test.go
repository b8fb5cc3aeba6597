package metrics_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

func TestAdmissionRecordMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{metrics.RecordRecorded, metrics.RecordRecorded, metrics.RecordDropped, metrics.RecordFailed} {
		m.AdmissionRecord(r)
	}
	got := values(t, reg)
	want := map[string]float64{
		"gitops_drift_admission_records_total{result=recorded}": 2,
		"gitops_drift_admission_records_total{result=dropped}":  1,
		"gitops_drift_admission_records_total{result=failed}":   1,
	}
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	var none *metrics.Metrics
	none.AdmissionRecord(metrics.RecordDropped) // nil Metrics record nothing, as elsewhere
}
