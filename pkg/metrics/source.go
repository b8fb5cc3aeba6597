package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sourceMetrics are the metrics of where the desired state comes from (issue 11): fetches
// of Git (or walks of the --manifests directory), the revision that failed to load, and the
// staleness guard. Without labels they are vectors all the same, absent until a Reloader
// starts (SourceStarted): the check exports none.
type sourceMetrics struct {
	fetchErrors    *prometheus.CounterVec
	lastFetch      *prometheus.GaugeVec // absent until the first successful fetch
	failedRevision *prometheus.GaugeVec
	stale          *prometheus.GaugeVec
}

func newSourceMetrics() sourceMetrics {
	return sourceMetrics{
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitops_drift_source_fetch_errors_total",
			Help: "Fetches of the desired state's source that failed: Git could not be reached or refused the credentials (or the --manifests directory could not be read).",
		}, nil),
		lastFetch: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_source_last_fetch_timestamp_seconds",
			Help: "Unix time of the last successful fetch of the desired state's source.",
		}, nil),
		failedRevision: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_desired_failed_revision_info",
			Help: "The latest Git revision that failed to load while an older one stays in force (value 1); absent once a revision loads.",
		}, []string{"revision"}),
		stale: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_source_stale",
			Help: "1 while the desired state has not been confirmed as Git's latest for longer than --git-max-staleness: the webhook warns instead of denying.",
		}, nil),
	}
}

func (s *sourceMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{s.fetchErrors, s.lastFetch, s.failedRevision, s.stale}
}

// SourceStarted exports the source's counter and staleness gauge, at zero.
func (m *Metrics) SourceStarted() {
	if m != nil {
		m.source.fetchErrors.WithLabelValues().Add(0)
		m.source.stale.WithLabelValues().Add(0)
	}
}

// FetchError counts one failed fetch of the source.
func (m *Metrics) FetchError() {
	if m != nil {
		m.source.fetchErrors.WithLabelValues().Inc()
	}
}

// Fetched records a successful fetch of the source at t.
func (m *Metrics) Fetched(t time.Time) {
	if m != nil {
		m.source.lastFetch.WithLabelValues().Set(float64(t.UnixNano()) / 1e9)
	}
}

// FailedRevision records the revision that failed to load; "" clears it.
func (m *Metrics) FailedRevision(revision string) {
	if m == nil {
		return
	}
	m.source.failedRevision.Reset()
	if revision != "" {
		m.source.failedRevision.WithLabelValues(revision).Set(1)
	}
}

// Stale sets the staleness guard's gauge.
func (m *Metrics) Stale(stale bool) {
	if m == nil {
		return
	}
	v := 0.0
	if stale {
		v = 1
	}
	m.source.stale.WithLabelValues().Set(v)
}
