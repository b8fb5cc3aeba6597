package metrics_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// scopeValues returns the samples of gitops_drift_drifted_resources among reg's.
func scopeValues(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	got := map[string]float64{}
	for k, v := range values(t, reg) {
		if strings.HasPrefix(k, "gitops_drift_drifted_resources{") {
			got[k] = v
		}
	}
	return got
}

func TestDriftedResourcesByScope(t *testing.T) {
	web := metrics.Scope{Namespace: "web", Kind: "Deployment"}
	webCM := metrics.Scope{Namespace: "web", Kind: "ConfigMap"}
	cluster := metrics.Scope{Kind: "ClusterRole"}
	tests := []struct {
		name string
		set  []map[metrics.Scope]metrics.ScopeCounts // SetDriftedByScope's calls, in order
		want map[string]float64
	}{
		{
			name: "before any audit",
			want: map[string]float64{},
		},
		{
			name: "every scope with zeros, cluster-scoped without a namespace",
			set: []map[metrics.Scope]metrics.ScopeCounts{{
				web:     {Drifted: 2, Missing: 1},
				webCM:   {},
				cluster: {Drifted: 1},
			}},
			want: map[string]float64{
				"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=drifted}": 2,
				"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=missing}": 1,
				"gitops_drift_drifted_resources{resource_kind=ConfigMap,resource_namespace=web,state=drifted}":  0,
				"gitops_drift_drifted_resources{resource_kind=ConfigMap,resource_namespace=web,state=missing}":  0,
				"gitops_drift_drifted_resources{resource_kind=ClusterRole,resource_namespace=,state=drifted}":   1,
				"gitops_drift_drifted_resources{resource_kind=ClusterRole,resource_namespace=,state=missing}":   0,
			},
		},
		{
			name: "a scope that left Git goes",
			set: []map[metrics.Scope]metrics.ScopeCounts{
				{web: {Drifted: 2}, cluster: {Drifted: 1}},
				{web: {Drifted: 1}},
			},
			want: map[string]float64{
				"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=drifted}": 1,
				"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=missing}": 0,
			},
		},
		{
			name: "nil exports none",
			set:  []map[metrics.Scope]metrics.ScopeCounts{{web: {Drifted: 2}}, nil},
			want: map[string]float64{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			m, err := metrics.New(reg)
			if err != nil {
				t.Fatal(err)
			}
			for _, by := range tt.set {
				m.SetDriftedByScope(by)
			}
			if diff := cmp.Diff(tt.want, scopeValues(t, reg)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestDriftedResourcesKeepsItsCopy: the counts a scrape sees are those given to
// SetDriftedByScope, not what the caller does with its map afterwards.
func TestDriftedResourcesKeepsItsCopy(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	web := metrics.Scope{Namespace: "web", Kind: "Deployment"}
	by := map[metrics.Scope]metrics.ScopeCounts{web: {Drifted: 1}}
	m.SetDriftedByScope(by)
	by[web] = metrics.ScopeCounts{Drifted: 5}
	want := map[string]float64{
		"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=drifted}": 1,
		"gitops_drift_drifted_resources{resource_kind=Deployment,resource_namespace=web,state=missing}": 0,
	}
	if diff := cmp.Diff(want, scopeValues(t, reg)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDriftedResourcesNil(t *testing.T) {
	var none *metrics.Metrics
	none.SetDriftedByScope(map[metrics.Scope]metrics.ScopeCounts{{Kind: "Deployment"}: {Drifted: 1}}) // records nothing, as elsewhere
}
