package chart_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// grants returns every permission the rendered roles grant, one string per verb, group,
// resource and name: "update validatingwebhookconfigurations.admissionregistration.k8s.io
// gitops-drift", prefixed with "in NS: " for a Role's.
func grants(t *testing.T, objs []*unstructured.Unstructured) []string {
	t.Helper()
	var out []string
	for _, o := range objs {
		if o.GetKind() != "ClusterRole" && o.GetKind() != "Role" {
			continue
		}
		var role rbacv1.ClusterRole
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, &role); err != nil {
			t.Fatal(err)
		}
		prefix := ""
		if o.GetKind() == "Role" {
			prefix = "in " + o.GetNamespace() + ": "
		}
		for _, r := range role.Rules {
			names := r.ResourceNames
			if len(names) == 0 {
				names = []string{""}
			}
			for _, v := range r.Verbs {
				for _, g := range r.APIGroups {
					for _, res := range r.Resources {
						for _, n := range names {
							out = append(out, fmt.Sprintf("%s%s %s.%s %s", prefix, v, res, g, n))
						}
					}
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestGrantsOfChartValues checks what the chart's own values (those the kustomize install
// reaches by editing files, or does not have) add to the grants, and remove: exactly what
// serve calls with the flags they add.
func TestGrantsOfChartValues(t *testing.T) {
	tracked := []string{"deployments.apps", "statefulsets.apps", "daemonsets.apps", "services.", "configmaps.", "serviceaccounts.", "namespaces.", "cronjobs.batch", "ingresses.networking.k8s.io", "horizontalpodautoscalers.autoscaling"}
	each := func(verb string) []string {
		var out []string
		for _, r := range tracked {
			out = append(out, verb+" "+r+" ")
		}
		return out
	}
	tests := []struct {
		name           string
		base, values   []string
		added, removed []string
	}{
		{
			name:   "self-managed certificates: the Secret and the webhook configuration, by name",
			values: []string{"certificates: {mode: self-managed}"},
			added: []string{
				"in drift-system: get secrets. gitops-drift-webhook-tls", "in drift-system: update secrets. gitops-drift-webhook-tls",
				"update validatingwebhookconfigurations.admissionregistration.k8s.io gitops-drift",
			},
		},
		{
			name:    "remediation by replace: update instead of patch",
			base:    []string{"remediation: {enabled: true}"},
			values:  []string{"remediation: {enabled: true, strategy: replace}"},
			added:   each("update"),
			removed: each("patch"),
		},
		{
			name:   "wgpolicyk8s.io reports",
			base:   []string{"policyReports: {enabled: true}"},
			values: []string{"policyReports: {enabled: true, api: wgpolicyk8s.io/v1alpha2}"},
			added: []string{
				"create clusterpolicyreports.wgpolicyk8s.io ", "create policyreports.wgpolicyk8s.io ",
				"list clusterpolicyreports.wgpolicyk8s.io ", "list policyreports.wgpolicyk8s.io ",
				"patch clusterpolicyreports.wgpolicyk8s.io ", "patch policyreports.wgpolicyk8s.io ",
			},
			removed: []string{
				"create clusterreports.openreports.io ", "create reports.openreports.io ",
				"list clusterreports.openreports.io ", "list reports.openreports.io ",
				"patch clusterreports.openreports.io ", "patch reports.openreports.io ",
			},
		},
		{
			name:   "a tracked custom resource: read, and its CustomResourceDefinition by name",
			values: []string{"trackedKinds: [{group: apps, version: v1, namespaced: [deployments, statefulsets, daemonsets], scale: [deployments, statefulsets]}, {group: '', version: v1, namespaced: [services, configmaps, serviceaccounts], cluster: [namespaces]}, {group: batch, version: v1, namespaced: [cronjobs]}, {group: networking.k8s.io, version: v1, namespaced: [ingresses]}, {group: autoscaling, version: v2, namespaced: [horizontalpodautoscalers]}, {group: example.com, version: v1, namespaced: [widgets], cluster: [gadgets], customResources: true}]"},
			added: []string{
				"get customresourcedefinitions.apiextensions.k8s.io gadgets.example.com", "get customresourcedefinitions.apiextensions.k8s.io widgets.example.com",
				"list gadgets.example.com ", "list widgets.example.com ", "watch gadgets.example.com ", "watch widgets.example.com ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, got := grants(t, renderChart(t, tt.base...).objects), grants(t, renderChart(t, tt.values...).objects)
			var added, removed []string
			for _, g := range got {
				if !slices.Contains(base, g) {
					added = append(added, g)
				}
			}
			for _, g := range base {
				if !slices.Contains(got, g) {
					removed = append(removed, g)
				}
			}
			slices.Sort(tt.added)
			slices.Sort(tt.removed)
			if diff := cmp.Diff(tt.added, added); diff != "" {
				t.Errorf("added grants (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.removed, removed); diff != "" {
				t.Errorf("removed grants (-want +got):\n%s", diff)
			}
		})
	}
}
