package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// values returns "name{label=value,...} value" for every sample of reg's gauges and counters,
// and "name_count value" for histograms.
func values(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			name := mf.GetName()
			if len(labels) > 0 {
				name += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetGauge() != nil:
				out[name] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				out[name] = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				out[name+"_count"] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	// Before any audit, the drift gauges are absent: a replica that does not audit (not the
	// leader) exports none.
	if diff := cmp.Diff(map[string]float64{"gitops_drift_audit_duration_seconds_count": 0, "gitops_drift_manifest_load_errors_total": 0}, values(t, reg)); diff != "" {
		t.Errorf("before any audit (-want +got):\n%s", diff)
	}
	m.Decision("warned")
	m.Decision("warned")
	m.LoadError()
	m.Loaded("aaa")
	m.Loaded("bbb")
	m.SetResources(metrics.Resources{InSync: 3, Drifted: 1, DriftedFields: 2})
	m.Audited(time.Unix(1700000000, 0), 250*time.Millisecond)
	m.Remediation(metrics.ResultRemediated)
	m.Remediation(metrics.ResultContested)
	m.SetContested(1)
	want := map[string]float64{
		"gitops_drift_admission_decisions_total{decision=warned}": 2,
		"gitops_drift_manifest_load_errors_total":                 1,
		"gitops_drift_desired_revision_info{revision=bbb}":        1,
		"gitops_drift_resources{state=in-sync}":                   3,
		"gitops_drift_resources{state=drifted}":                   1,
		"gitops_drift_resources{state=missing}":                   0,
		"gitops_drift_resources{state=error}":                     0,
		"gitops_drift_drifted_fields":                             2,
		"gitops_drift_last_audit_timestamp_seconds":               1700000000,
		"gitops_drift_audit_duration_seconds_count":               1,
		"gitops_drift_remediations_total{result=remediated}":      1,
		"gitops_drift_remediations_total{result=contested}":       1,
		"gitops_drift_contested_resources":                        1,
	}
	if diff := cmp.Diff(want, values(t, reg)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRegisterTwiceFails(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := metrics.New(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(reg); err == nil || !strings.Contains(err.Error(), "register metrics") {
		t.Errorf("second New on one registry: err = %v, want a registration error", err)
	}
}

func TestNilRecordsNothing(t *testing.T) {
	var m *metrics.Metrics
	m.Decision("allowed")
	m.LoadError()
	m.Loaded("x")
	m.SetResources(metrics.Resources{})
	m.Audited(time.Now(), time.Second)
	m.Remediation(metrics.ResultFailed)
	m.SetContested(2)
}
