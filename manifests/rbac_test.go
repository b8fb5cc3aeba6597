package manifests_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
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

// serviceAccount returns the name of the ServiceAccount the Deployment runs as.
func serviceAccount(t *testing.T, in *install) string {
	t.Helper()
	return only[*appsv1.Deployment](t, in).Spec.Template.Spec.ServiceAccountName
}

// expand returns the permissions rules grant, one per verb, group, resource and name.
func expand(rules []rbacv1.PolicyRule) []permission {
	var out []permission
	for _, r := range rules {
		names := r.ResourceNames
		if len(names) == 0 {
			names = []string{""}
		}
		for _, v := range r.Verbs {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					for _, n := range names {
						out = append(out, permission{verb: v, group: g, resource: res, name: n})
					}
				}
			}
		}
	}
	return out
}

// permissions returns the permissions rules grant as sorted, distinct strings.
func permissions(rules []rbacv1.PolicyRule) []string { return sortedStrings(expand(rules)) }

func sortedStrings(ps []permission) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// calls returns the API calls of `gitops-drift serve` with the Deployment's args, as the code
// makes them: cluster-wide, and in the install's namespace (leader election). The tracked
// kinds are the main resources of the webhook's rules.
//
//   - the auditor: list and watch of the tracked kinds (informers, in the namespaces Git
//     names); create and patch of events.k8s.io Events (auditor/events.go, its recorder counts
//     repeats with a patch); list of events.k8s.io Events (the webhook's DriftAdmitted records,
//     auditor/people.go);
//   - the webhook: create of a SelfSubjectReview (its own identity, to exempt it); get of
//     the ValidatingWebhookConfiguration --webhook-configuration names (registration
//     warnings at each load); no call on the request path; create of events.k8s.io Events
//     (DriftAdmitted, off the request path, webhook/recorder.go);
//   - --remediate: get (read again after a conflict), create (missing objects), and patch
//     (--remediation-strategy apply: server-side apply, and the JSON patch that removes
//     hand-added fields) or update (replace) of the tracked kinds; list of core Events (the
//     auditor's remediation history, auditor/history.go);
//   - --policy-reports: list, create and patch (server-side apply) of the report kinds of
//     --policy-report-api (auditor/reports.go);
//   - --leader-elect: create of a Lease, get and update of the Lease gitops-drift, create and
//     patch of core Events (client-go's leader election records them on the Lease), in the
//     namespace serve runs in;
//   - secure metrics (--metrics-secure, the default, with --metrics-bind-address not 0): create
//     of TokenReviews and SubjectAccessReviews, with which controller-runtime's metrics filter
//     checks each caller's token and request (cmd/gitops-drift/app/tls.go).
func calls(t *testing.T, in *install) (cluster, namespaced []permission) {
	t.Helper()
	d := only[*appsv1.Deployment](t, in)
	opts := serveOptions(t, gitopsDriftContainer(t, d))
	tracked := slices.SortedFunc(maps.Keys(webhookResources(only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in))),
		func(a, b schema.GroupResource) int { return strings.Compare(a.String(), b.String()) })
	each := func(verbs ...string) []permission {
		var out []permission
		for _, gr := range tracked {
			for _, v := range verbs {
				out = append(out, permission{verb: v, group: gr.Group, resource: gr.Resource})
			}
		}
		return out
	}
	if !opts.NoAudit {
		cluster = append(cluster, each("list", "watch")...)
		cluster = append(cluster,
			permission{verb: "create", group: "events.k8s.io", resource: "events"},
			permission{verb: "patch", group: "events.k8s.io", resource: "events"},
			permission{verb: "list", group: "events.k8s.io", resource: "events"})
	}
	if !opts.NoWebhook {
		cluster = append(cluster,
			permission{verb: "create", group: "authentication.k8s.io", resource: "selfsubjectreviews"},
			permission{verb: "create", group: "events.k8s.io", resource: "events"})
		if opts.WebhookConfiguration != "" {
			cluster = append(cluster, permission{verb: "get", group: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations", name: opts.WebhookConfiguration})
		}
	}
	if opts.Remediate {
		write := "patch"
		if opts.RemediationStrategy == string(remediate.StrategyReplace) {
			write = "update"
		}
		cluster = append(cluster, each("get", "create", write)...)
		cluster = append(cluster, permission{verb: "list", group: "", resource: "events"})
	}
	if opts.PolicyReports {
		api, err := policyreport.ParseAPI(opts.PolicyReportAPI)
		if err != nil {
			t.Fatal(err)
		}
		ns, cl := api.Kinds()
		for _, k := range []policyreport.Kind{ns, cl} {
			for _, v := range []string{"list", "create", "patch"} {
				cluster = append(cluster, permission{verb: v, group: k.Group, resource: k.Resource})
			}
		}
	}
	if secureMetrics(opts) {
		cluster = append(cluster,
			permission{verb: "create", group: "authentication.k8s.io", resource: "tokenreviews"},
			permission{verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews"})
	}
	if opts.LeaderElect {
		ns := opts.LeaderElectionNamespace
		if ns == "" {
			ns = d.Namespace // the namespace the pods run in
		}
		if ns != installNamespace {
			t.Fatalf("the Lease is in namespace %s; want %s, the install's", ns, installNamespace)
		}
		namespaced = append(namespaced,
			permission{verb: "create", group: "coordination.k8s.io", resource: "leases"},
			permission{verb: "get", group: "coordination.k8s.io", resource: "leases", name: leaseName},
			permission{verb: "update", group: "coordination.k8s.io", resource: "leases", name: leaseName},
			permission{verb: "create", group: "", resource: "events"},
			permission{verb: "patch", group: "", resource: "events"})
	}
	return cluster, namespaced
}

// secureMetrics reports whether serve, with opts, serves metrics (and /git/refresh) over HTTPS
// to the callers the API server authenticates and authorizes.
func secureMetrics(opts *app.ServeOptions) bool {
	return opts.MetricsSecure && opts.MetricsBindAddress != "0"
}

// callerRoles returns the ClusterRoles the install ships for others to bind, by name: with
// secure metrics, gitops-drift-metrics-reader (`get` on /metrics, for scrapers) and, with
// --git-url, gitops-drift-refresh (`post` on /git/refresh, for GitOps controllers). The
// metrics filter asks the API server about a request's path as a non-resource URL and about
// its method, lowercased, as the verb.
func callerRoles(t *testing.T, in *install) map[string][]rbacv1.PolicyRule {
	t.Helper()
	opts := serveOptions(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)))
	out := map[string][]rbacv1.PolicyRule{}
	if !secureMetrics(opts) {
		return out
	}
	out["gitops-drift-metrics-reader"] = []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}}
	if opts.Git.URL != "" {
		out["gitops-drift-refresh"] = []rbacv1.PolicyRule{{NonResourceURLs: []string{"/git/refresh"}, Verbs: []string{"post"}}}
	}
	return out
}

// unboundClusterRoles returns the install's ClusterRoles that none of its bindings refers to.
func unboundClusterRoles(in *install) map[string][]rbacv1.PolicyRule {
	bound := map[string]bool{}
	for _, b := range all[*rbacv1.ClusterRoleBinding](in) {
		bound[b.RoleRef.Name] = true
	}
	for _, b := range all[*rbacv1.RoleBinding](in) {
		if b.RoleRef.Kind == "ClusterRole" {
			bound[b.RoleRef.Name] = true
		}
	}
	out := map[string][]rbacv1.PolicyRule{}
	for _, r := range all[*rbacv1.ClusterRole](in) {
		if !bound[r.Name] {
			out[r.Name] = r.Rules
		}
	}
	return out
}

// TestCallerRoles checks, in every combination of the parts, that the ClusterRoles the install
// binds to nobody are exactly those its serve's callers need (callerRoles), each granting its
// one verb on its one path.
func TestCallerRoles(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			if diff := cmp.Diff(callerRoles(t, in), unboundClusterRoles(in)); diff != "" {
				t.Errorf("ClusterRoles bound to nobody, for serve's callers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRBACIsWhatServeCalls renders every combination of the install's opt-in parts and
// checks that the rules bound to the Deployment's ServiceAccount grant exactly the calls serve
// makes with the Deployment's args: every one of them, and nothing else.
func TestRBACIsWhatServeCalls(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			gotCluster, gotNamespaced := grants(t, in, serviceAccount(t, in))
			wantCluster, wantNamespaced := calls(t, in)
			if diff := cmp.Diff(sortedStrings(wantCluster), permissions(gotCluster)); diff != "" {
				t.Errorf("cluster-wide grants differ from serve's calls (-calls +grants):\n%s", diff)
			}
			if diff := cmp.Diff(sortedStrings(wantNamespaced), permissions(gotNamespaced)); diff != "" {
				t.Errorf("grants in %s differ from serve's calls (-calls +grants):\n%s", installNamespace, diff)
			}
		})
	}
}

// TestRBACLeastPrivilege checks, in every combination of the parts, that no rule grants
// wildcards, deletes, or the verbs that lead to more privileges: gitops-drift never deletes
// anything. Every Role and ClusterRole of the install is bound to its ServiceAccount alone,
// but the callers' roles, bound to nobody, which alone grant non-resource URLs
// (TestCallerRoles).
func TestRBACLeastPrivilege(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			grants(t, in, serviceAccount(t, in)) // checks the bindings' subjects
			callers := callerRoles(t, in)
			rules := map[string][]rbacv1.PolicyRule{}
			for _, r := range all[*rbacv1.ClusterRole](in) {
				if _, ok := callers[r.Name]; !ok {
					rules["ClusterRole "+r.Name] = r.Rules
				}
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
		})
	}
}
