package policyreport

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// API is the group and version of the report objects written.
type API string

// The report APIs. The policy-report API moved from wgpolicyk8s.io (the Kubernetes Policy
// working group's, which Kyverno is deprecating) to OpenReports.
const (
	// OpenReports writes openreports.io/v1alpha1 Report and ClusterReport. The default.
	OpenReports API = "openreports.io/v1alpha1"
	// WGPolicy writes wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport, for older
	// dashboards.
	WGPolicy API = "wgpolicyk8s.io/v1alpha2"
)

// APIs are the report APIs, the default first.
var APIs = []API{OpenReports, WGPolicy}

// Names and labels of the report objects.
const (
	// Name is the name of every report object: one per namespace, and the cluster report.
	Name = "gitops-drift"
	// Source is the source of the reports and of each result, and the field manager of the
	// writes.
	Source = "gitops-drift"
	// Policy is the policy of every result.
	Policy = "gitops-drift"
	// LabelManagedBy is the label that marks the report objects gitops-drift writes, with
	// the value Source.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// AnnotationOmitted is set on a report that holds MaxResults results while more resources
	// drift: the number left out (the summary counts them all).
	AnnotationOmitted = "drift.gitops.io/omitted-results"
)

// ParseAPI returns the API named s, one of APIs.
func ParseAPI(s string) (API, error) {
	for _, a := range APIs {
		if string(a) == s {
			return a, nil
		}
	}
	return "", fmt.Errorf("unknown policy report API %q: want %s or %s", s, OpenReports, WGPolicy)
}

// Kind is a kind of report object: the namespaced one or the cluster-scoped one.
type Kind struct {
	schema.GroupVersionResource
	// Kind is the object's kind.
	Kind string
	// Namespaced is true for the namespaced report kind.
	Namespaced bool
}

// GroupVersionKind returns the kind's group, version and kind.
func (k Kind) GroupVersionKind() schema.GroupVersionKind {
	return k.GroupVersion().WithKind(k.Kind)
}

// Kinds returns the namespaced and the cluster-scoped report kinds of a.
func (a API) Kinds() (namespaced, cluster Kind) {
	gv, _ := schema.ParseGroupVersion(string(a))
	switch a {
	case WGPolicy:
		return Kind{gv.WithResource("policyreports"), "PolicyReport", true},
			Kind{gv.WithResource("clusterpolicyreports"), "ClusterPolicyReport", false}
	default:
		return Kind{gv.WithResource("reports"), "Report", true},
			Kind{gv.WithResource("clusterreports"), "ClusterReport", false}
	}
}

// KindOf returns the kind of a's report of namespace ns: the cluster report for "".
func (a API) KindOf(ns string) Kind {
	namespaced, cluster := a.Kinds()
	if ns == "" {
		return cluster
	}
	return namespaced
}
