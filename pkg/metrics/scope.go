package metrics

import (
	"maps"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Scope is a namespace and a kind of tracked resources: the labels by which
// gitops_drift_drifted_resources counts drifted and missing resources.
type Scope struct {
	// Namespace is the resources' namespace; "" for cluster-scoped resources.
	Namespace string
	// Kind is the resources' kind (Deployment), whatever its API group.
	Kind string
}

// ScopeCounts are the drifted and missing resources of one Scope.
type ScopeCounts struct {
	Drifted, Missing int
}

// scopeGauge is gitops_drift_drifted_resources{resource_namespace, resource_kind, state}: the
// drifted and missing resources of every namespace and kind that has tracked resources, zeros
// included, as of the last full audit. It exports the counts it was last given whole, so that a
// scrape never sees some scopes of one audit and some of the next, and scopes that left Git
// go with them. Absent until the first audit, like the other drift gauges: a replica that does
// not audit (not the leader) exports none. Its cardinality is bounded by Git: at most two
// series per namespace and kind that Git defines resources of.
//
// The labels are not "namespace" and "kind": Prometheus's Kubernetes service discovery (and a
// ServiceMonitor) gives every scraped series a "namespace" label of its own, the Pod's, which
// would rename ours to "exported_namespace". Kyverno's per-resource metrics use the same names.
type scopeGauge struct {
	desc   *prometheus.Desc
	mu     sync.Mutex
	counts map[Scope]ScopeCounts // replaced, never changed in place; nil until the first audit
}

func newScopeGauge() *scopeGauge {
	return &scopeGauge{desc: prometheus.NewDesc(
		"gitops_drift_drifted_resources",
		"Drifted and missing tracked resources by namespace (empty for cluster-scoped resources), kind and state (drifted, missing) after the last audit, zeros included for every namespace and kind Git defines; exported by the replica that audits (the leader).",
		[]string{"resource_namespace", "resource_kind", "state"}, nil,
	)}
}

// SetDriftedByScope sets gitops_drift_drifted_resources: the drifted and missing resources of
// every namespace and kind that has tracked resources, zeros included. The counts replace the
// previous ones whole; nil exports none.
func (m *Metrics) SetDriftedByScope(counts map[Scope]ScopeCounts) {
	if m != nil {
		m.drifted.set(counts)
	}
}

// set replaces the counts exported; nil exports none.
func (g *scopeGauge) set(counts map[Scope]ScopeCounts) {
	counts = maps.Clone(counts)
	g.mu.Lock()
	g.counts = counts
	g.mu.Unlock()
}

// Describe implements prometheus.Collector.
func (g *scopeGauge) Describe(ch chan<- *prometheus.Desc) {
	ch <- g.desc
}

// Collect implements prometheus.Collector.
func (g *scopeGauge) Collect(ch chan<- prometheus.Metric) {
	g.mu.Lock()
	counts := g.counts
	g.mu.Unlock()
	for s, c := range counts {
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(c.Drifted), s.Namespace, s.Kind, "drifted")
		ch <- prometheus.MustNewConstMetric(g.desc, prometheus.GaugeValue, float64(c.Missing), s.Namespace, s.Kind, "missing")
	}
}
