package manifests_test

import (
	"fmt"
	"slices"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
)

// leaseName is the Lease of serve's leader election.
const leaseName = "gitops-drift"

// permission is one verb on one resource, on any object or (with name) on one.
type permission struct {
	verb, group, resource, name string
}

func (p permission) String() string {
	s := fmt.Sprintf("%s %s.%s", p.verb, p.resource, p.group)
	if p.name != "" {
		s += " " + p.name
	}
	return s
}

// allows reports whether rules grant p. A rule limited to resourceNames grants only a
// permission on one of those names.
func allows(rules []rbacv1.PolicyRule, p permission) bool {
	for _, r := range rules {
		named := len(r.ResourceNames) == 0 || (p.name != "" && slices.Contains(r.ResourceNames, p.name))
		if named && covers(r.Verbs, p.verb) && covers(r.APIGroups, p.group) && covers(r.Resources, p.resource) {
			return true
		}
	}
	return false
}

func covers(list []string, v string) bool {
	return slices.Contains(list, v) || slices.Contains(list, "*")
}

// grants returns the rules the install grants the ServiceAccount sa: cluster-wide, and in the
// install's namespace.
func grants(t *testing.T, in *install, sa string) (cluster, namespaced []rbacv1.PolicyRule) {
	t.Helper()
	clusterRoles := map[string][]rbacv1.PolicyRule{}
	for _, r := range all[*rbacv1.ClusterRole](in) {
		clusterRoles[r.Name] = r.Rules
	}
	roles := map[string][]rbacv1.PolicyRule{}
	for _, r := range all[*rbacv1.Role](in) {
		roles[r.Name] = r.Rules
	}
	subject := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: sa, Namespace: installNamespace}
	for _, b := range all[*rbacv1.ClusterRoleBinding](in) {
		rules, ok := clusterRoles[b.RoleRef.Name]
		if b.RoleRef.Kind != "ClusterRole" || !ok || !slices.Equal(b.Subjects, []rbacv1.Subject{subject}) {
			t.Errorf("ClusterRoleBinding %s binds %+v to %+v; want a ClusterRole of the install to ServiceAccount %s/%s", b.Name, b.RoleRef, b.Subjects, installNamespace, sa)
		}
		cluster = append(cluster, rules...)
	}
	for _, b := range all[*rbacv1.RoleBinding](in) {
		rules, ok := roles[b.RoleRef.Name]
		if b.RoleRef.Kind == "ClusterRole" {
			rules, ok = clusterRoles[b.RoleRef.Name]
		}
		if !ok || !slices.Equal(b.Subjects, []rbacv1.Subject{subject}) {
			t.Errorf("RoleBinding %s binds %+v to %+v; want a role of the install to ServiceAccount %s/%s", b.Name, b.RoleRef, b.Subjects, installNamespace, sa)
		}
		namespaced = append(namespaced, rules...)
	}
	return cluster, namespaced
}

// TestRBACCoversWhatTheCodeCalls checks the permissions of the Deployment's ServiceAccount
// against the calls of serve: informers and remediation on every kind the webhook judges,
// Events, leader election, and the SelfSubjectReview that finds the webhook's own identity.
func TestRBACCoversWhatTheCodeCalls(t *testing.T) {
	in := loadInstall(t)
	sa := only[*appsv1.Deployment](t, in).Spec.Template.Spec.ServiceAccountName
	cluster, namespaced := grants(t, in, sa)
	want := []permission{
		{verb: "create", group: "", resource: "events"},
		{verb: "create", group: "events.k8s.io", resource: "events"},
		{verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews"},
		{verb: "get", group: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations", name: serveOptions(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in))).WebhookConfiguration},
	}
	for gr := range webhookResources(only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in)) {
		for _, verb := range []string{"get", "list", "watch", "patch", "update", "create"} {
			want = append(want, permission{verb: verb, group: gr.Group, resource: gr.Resource})
		}
	}
	for _, p := range want {
		if !allows(cluster, p) {
			t.Errorf("ServiceAccount %s may not %s cluster-wide", sa, p)
		}
	}
	leases := []permission{
		{verb: "create", group: "coordination.k8s.io", resource: "leases"},
		{verb: "get", group: "coordination.k8s.io", resource: "leases", name: leaseName},
		{verb: "update", group: "coordination.k8s.io", resource: "leases", name: leaseName},
	}
	for _, p := range leases {
		if !allows(slices.Concat(cluster, namespaced), p) {
			t.Errorf("ServiceAccount %s may not %s in %s (leader election)", sa, p, installNamespace)
		}
	}
}

// TestRBACCoversPolicyReports checks that the ServiceAccount may write the policy reports of
// serve --policy-reports in either API: list (the reports of earlier audits), create and patch
// (server-side apply), as auditor/reports.go calls them.
func TestRBACCoversPolicyReports(t *testing.T) {
	in := loadInstall(t)
	sa := only[*appsv1.Deployment](t, in).Spec.Template.Spec.ServiceAccountName
	cluster, _ := grants(t, in, sa)
	for _, api := range policyreport.APIs {
		namespaced, clusterScoped := api.Kinds()
		for _, k := range []policyreport.Kind{namespaced, clusterScoped} {
			for _, verb := range []string{"list", "create", "patch"} {
				if p := (permission{verb: verb, group: k.Group, resource: k.Resource}); !allows(cluster, p) {
					t.Errorf("ServiceAccount %s may not %s cluster-wide", sa, p)
				}
			}
		}
	}
}

// TestRBACLeastPrivilege checks that no rule grants wildcards, deletes, or the verbs that lead
// to more privileges: gitops-drift never deletes anything.
func TestRBACLeastPrivilege(t *testing.T) {
	in := loadInstall(t)
	rules := map[string][]rbacv1.PolicyRule{}
	for _, r := range all[*rbacv1.ClusterRole](in) {
		rules["ClusterRole "+r.Name] = r.Rules
	}
	for _, r := range all[*rbacv1.Role](in) {
		rules["Role "+r.Name] = r.Rules
	}
	forbidden := []string{"*", "delete", "deletecollection", "escalate", "bind", "impersonate"}
	for role, rs := range rules {
		for _, r := range rs {
			if slices.ContainsFunc(r.Verbs, func(v string) bool { return slices.Contains(forbidden, v) }) ||
				slices.Contains(r.APIGroups, "*") || slices.Contains(r.Resources, "*") || len(r.NonResourceURLs) > 0 {
				t.Errorf("%s grants %+v; want no wildcards, non-resource URLs or %q", role, r, forbidden[1:])
			}
		}
	}
}
