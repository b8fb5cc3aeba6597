package metrics

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are gitops-drift's Prometheus metrics. Create them with New.
type Metrics struct {
	reports reportMetrics // the policy reports (reports.go)
	records recordMetrics // the webhook's admission records (records.go)

	decisions     *prometheus.CounterVec
	loadErrors    prometheus.Counter
	revision      *prometheus.GaugeVec
	resources     *prometheus.GaugeVec
	drifted       *scopeGauge          // by namespace and kind (scope.go); absent until the first audit
	driftedFields *prometheus.GaugeVec // no labels: absent until the first audit, like resources
	lastAudit     *prometheus.GaugeVec // no labels: absent until the first audit
	auditDuration prometheus.Histogram
	remediations  *prometheus.CounterVec
	contested     *prometheus.GaugeVec // no labels: absent until the first audit, like resources
	leader        *prometheus.GaugeVec // no labels: absent without leader election (leader.go)
	source        sourceMetrics        // the desired state's source (source.go)
}

// Remediation results, the values of gitops_drift_remediations_total's result label.
const (
	// ResultRemediated: a drifted object was written back to Git's state.
	ResultRemediated = "remediated"
	// ResultCreated: a missing object was created.
	ResultCreated = "created"
	// ResultFailed: a write was refused, or the object still drifted after it.
	ResultFailed = "failed"
	// ResultBlocked: new drift that the object's remediation policy (alert) forbids repairing;
	// counted once per distinct drift, not once per audit.
	ResultBlocked = "blocked"
	// ResultContested: drift that was repaired came back (another writer reverts it); the
	// auditor backs off. Counted once per contest, not once per deferred write.
	ResultContested = "contested"
)

// New creates the metrics and registers them on reg.
func New(reg prometheus.Registerer) (*Metrics, error) {
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
		resources: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_resources",
			Help: "Tracked resources by state after the last audit (in-sync, drifted, missing, error); exported by the replica that audits (the leader).",
		}, []string{"state"}),
		driftedFields: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_drifted_fields",
			Help: "Drifted fields over all drifted resources after the last audit; exported by the replica that audits (the leader).",
		}, nil),
		lastAudit: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_last_audit_timestamp_seconds",
			Help: "Unix time at which the last full audit cycle ended.",
		}, nil),
		auditDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "gitops_drift_audit_duration_seconds",
			Help:    "Duration of full audit cycles, remediation included.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 15), // 5ms to 82s
		}),
		remediations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gitops_drift_remediations_total",
			Help: "Remediations by the auditor, by result: remediated, created, failed, blocked, contested.",
		}, []string{"result"}),
		contested: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gitops_drift_contested_resources",
			Help: "Tracked resources the auditor backs off from because another writer reverts their remediation; exported by the replica that audits (the leader).",
		}, nil),
	}
	m.leader = newLeader()
	m.source = newSourceMetrics()
	m.reports = newReportMetrics()
	m.drifted = newScopeGauge()
	m.records = newRecordMetrics()
	var errs []error
	for _, c := range append([]prometheus.Collector{
		m.decisions, m.loadErrors, m.revision, m.resources, m.driftedFields, m.lastAudit, m.auditDuration, m.remediations, m.contested, m.leader,
	}, append(append(m.source.collectors(), m.reports.collectors()...), m.records.collectors()...)...) {
		if err := reg.Register(c); err != nil {
			errs = append(errs, err)
		}
	}
	if err := reg.Register(m.drifted); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	return m, nil
}

// Decision counts one admission decision.
func (m *Metrics) Decision(decision string) {
	if m != nil {
		m.decisions.WithLabelValues(decision).Inc()
	}
}

// LoadError counts one failed reload of the manifests.
func (m *Metrics) LoadError() {
	if m != nil {
		m.loadErrors.Inc()
	}
}

// Loaded records the revision of a newly loaded desired state.
func (m *Metrics) Loaded(revision string) {
	if m != nil {
		m.revision.Reset()
		m.revision.WithLabelValues(revision).Set(1)
	}
}

// Resources counts tracked resources by state. Skipped resources are not tracked.
type Resources struct {
	InSync, Drifted, Missing, Error int
	// DriftedFields is the number of drifted fields over all drifted resources.
	DriftedFields int
}

// SetResources sets the drift gauges. Every state is set, zeros included, so that a query
// sees a drifted count of 0 rather than no series once an audit has run.
func (m *Metrics) SetResources(r Resources) {
	if m == nil {
		return
	}
	m.resources.WithLabelValues("in-sync").Set(float64(r.InSync))
	m.resources.WithLabelValues("drifted").Set(float64(r.Drifted))
	m.resources.WithLabelValues("missing").Set(float64(r.Missing))
	m.resources.WithLabelValues("error").Set(float64(r.Error))
	m.driftedFields.WithLabelValues().Set(float64(r.DriftedFields))
}

// Audited records a full audit cycle that ended at end after d.
func (m *Metrics) Audited(end time.Time, d time.Duration) {
	if m != nil {
		m.auditDuration.Observe(d.Seconds())
		m.lastAudit.WithLabelValues().Set(float64(end.UnixNano()) / 1e9)
	}
}

// SetContested sets the number of contested resources: those whose repaired drift came back,
// which the auditor backs off from.
func (m *Metrics) SetContested(n int) {
	if m != nil {
		m.contested.WithLabelValues().Set(float64(n))
	}
}

// Remediation counts one remediation outcome: ResultRemediated, ResultCreated, ResultFailed,
// ResultBlocked or ResultContested.
func (m *Metrics) Remediation(result string) {
	if m != nil {
		m.remediations.WithLabelValues(result).Inc()
	}
}
