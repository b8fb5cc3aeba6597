package metrics

import "github.com/prometheus/client_golang/prometheus"

// Results of an admission record, the values of gitops_drift_admission_records_total's result
// label.
const (
	// RecordRecorded: a DriftAdmitted Event was written.
	RecordRecorded = "recorded"
	// RecordDropped: the record was dropped before it was written: the queue was full.
	RecordDropped = "dropped"
	// RecordFailed: the record could not be written: the Event was refused, or the request's
	// managedFields did not tell which entry it updated.
	RecordFailed = "failed"
)

// recordMetrics count the webhook's records of who made the changes it admitted (issue 20).
type recordMetrics struct {
	records *prometheus.CounterVec
}

func newRecordMetrics() recordMetrics {
	return recordMetrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitops_drift_admission_records_total",
			Help: "Records of who made an admitted change that drifts from Git (DriftAdmitted Events), by result: recorded, dropped (queue full), failed.",
		}, []string{"result"}),
	}
}

func (r *recordMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{r.records}
}

// AdmissionRecord counts one admission record with result RecordRecorded, RecordDropped or
// RecordFailed.
func (m *Metrics) AdmissionRecord(result string) {
	if m != nil {
		m.records.records.WithLabelValues(result).Inc()
	}
}
