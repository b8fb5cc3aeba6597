package metrics

import "github.com/prometheus/client_golang/prometheus"

// Results of a policy report write, the values of gitops_drift_policy_report_writes_total's
// result label.
const (
	// ReportApplied: a report object was created or updated (server-side apply).
	ReportApplied = "applied"
	// ReportFailed: a report object could not be listed or written.
	ReportFailed = "failed"
)

// reportMetrics are the metrics of the policy reports the auditor writes (serve
// --policy-reports; issue 10). Absent until the first write.
type reportMetrics struct {
	writes *prometheus.CounterVec
}

func newReportMetrics() reportMetrics {
	return reportMetrics{
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitops_drift_policy_report_writes_total",
			Help: "Writes of policy report objects by the auditor (serve --policy-reports), by result: applied, failed. An unchanged report is not written again.",
		}, []string{"result"}),
	}
}

func (r *reportMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{r.writes}
}

// PolicyReportWrites counts n writes of policy report objects with result ReportApplied or
// ReportFailed.
func (m *Metrics) PolicyReportWrites(result string, n int) {
	if m != nil && n > 0 {
		m.reports.writes.WithLabelValues(result).Add(float64(n))
	}
}
