package metrics_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

func TestSourceMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	source := func() map[string]float64 {
		out := map[string]float64{}
		for k, v := range values(t, reg) {
			switch k {
			case "gitops_drift_audit_duration_seconds_count", "gitops_drift_manifest_load_errors_total":
			default:
				out[k] = v
			}
		}
		return out
	}
	if diff := cmp.Diff(map[string]float64{}, source()); diff != "" {
		t.Errorf("before a source starts (-want +got):\n%s", diff)
	}
	m.SourceStarted()
	m.FetchError()
	m.Fetched(time.Unix(1700000000, 500000000))
	m.FailedRevision("bad")
	m.FailedRevision("worse")
	m.Stale(true)
	want := map[string]float64{
		"gitops_drift_source_fetch_errors_total":                    1,
		"gitops_drift_source_last_fetch_timestamp_seconds":          1700000000.5,
		"gitops_drift_desired_failed_revision_info{revision=worse}": 1,
		"gitops_drift_source_stale":                                 1,
	}
	if diff := cmp.Diff(want, source()); diff != "" {
		t.Errorf("after use (-want +got):\n%s", diff)
	}
	m.FailedRevision("")
	m.Stale(false)
	delete(want, "gitops_drift_desired_failed_revision_info{revision=worse}")
	want["gitops_drift_source_stale"] = 0
	if diff := cmp.Diff(want, source()); diff != "" {
		t.Errorf("after recovery (-want +got):\n%s", diff)
	}
	var nilMetrics *metrics.Metrics
	nilMetrics.SourceStarted()
	nilMetrics.FetchError()
	nilMetrics.Fetched(time.Now())
	nilMetrics.FailedRevision("x")
	nilMetrics.Stale(true)
}
