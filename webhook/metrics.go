package webhook

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the webhook's Prometheus metrics. Create them with NewMetrics; a nil *Metrics
// records nothing, for tests.
type Metrics struct {
	decisions  *prometheus.CounterVec
	loadErrors prometheus.Counter
	revision   *prometheus.GaugeVec
}

// NewMetrics creates the metrics and registers them on reg (controller-runtime's
// metrics.Registry in `serve`, so they are served on the manager's metrics endpoint).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitops_drift_admission_decisions_total",
			Help: "Admission requests judged by the webhook, by decision.",
		}, []string{"decision"}),
		loadErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gitops_drift_manifest_load_errors_total",
			Help: "Reloads of the manifest directory that failed; the last good desired state stayed in force.",
		}),
		revision: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_desired_revision_info",
			Help: "The Git revision of the desired state in force (value 1).",
		}, []string{"revision"}),
	}
	var errs []error
	for _, c := range []prometheus.Collector{m.decisions, m.loadErrors, m.revision} {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register webhook metrics: %w", err)
	}
	return m, nil
}

// decision counts one admission decision.
func (m *Metrics) decision(d Decision) {
	if m != nil {
		m.decisions.WithLabelValues(string(d)).Inc()
	}
}

// loadError counts one failed reload.
func (m *Metrics) loadError() {
	if m != nil {
		m.loadErrors.Inc()
	}
}

// loaded records the revision of a newly loaded desired state.
func (m *Metrics) loaded(revision string) {
	if m != nil {
		m.revision.Reset()
		m.revision.WithLabelValues(revision).Set(1)
	}
}
