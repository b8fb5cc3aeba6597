package webhook

import (
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// The webhook judges a request only in the version Git uses (comparing two versions would
// report their differences of shape as drift). Which version the API server sends depends on
// the webhook's registration: a rule's apiVersions and its matchPolicy. With matchPolicy
// Equivalent (the default of admissionregistration.k8s.io/v1) and a rule that lists exactly
// Git's version, a request made in any other served version of the kind is converted to Git's
// before it is sent. RegistrationWarnings checks the manifests against a registration.

// kindUse is one kind (group, version, kind) of the desired state: its first object and how
// many objects of it the webhook would judge.
type kindUse struct {
	gvk   schema.GroupVersionKind
	first *check.Target
	count int
}

// RegistrationWarnings returns a warning for each kind of d whose changes the webhooks of cfg
// will not be sent in the version Git uses, so that the handler cannot judge them: kinds
// missing from the rules, rules that list other versions or every version, and matchPolicy
// Exact for a kind the server serves in several versions. Each warning names the first object
// of the kind (file:line) and counts the others. Skipped objects and objects whose enforcement
// is off are left out. mapper gives each kind's resource, scope and served versions; a kind it
// cannot map is left out (it would not have loaded). Namespace and object selectors are not
// considered. Rules for subresources (the install's deployments/scale) do not send the main
// resource, and are not checked: the handler judges a Scale by its replicas, the same in every
// version.
func RegistrationWarnings(d *check.Desired, cfg *admissionregistrationv1.ValidatingWebhookConfiguration, mapper meta.RESTMapper) []manifest.Warning {
	var out []manifest.Warning
	for _, k := range kindUses(d) {
		m, err := mapper.RESTMapping(k.gvk.GroupKind(), k.gvk.Version)
		if err != nil {
			continue
		}
		for i := range cfg.Webhooks {
			msg := versionProblem(&cfg.Webhooks[i], m, mapper)
			if msg == "" {
				continue
			}
			if k.count > 1 {
				msg += fmt.Sprintf(" (and %d more %s objects)", k.count-1, k.gvk.Kind)
			}
			out = append(out, manifest.Warning{File: k.first.File, Line: k.first.Line,
				Message: fmt.Sprintf("%s (%s): %s", k.first.Key, k.gvk.GroupVersion(), msg)})
		}
	}
	return out
}

// kindUses groups the targets the webhook would judge by kind, in the order of d.
func kindUses(d *check.Desired) []*kindUse {
	var order []*kindUse
	byGVK := map[schema.GroupVersionKind]*kindUse{}
	for i := range d.Targets {
		t := &d.Targets[i]
		if t.Policy.Skip || t.Policy.Enforcement == policy.EnforcementOff {
			continue
		}
		gvk := t.GVK
		k, ok := byGVK[gvk]
		if !ok {
			k = &kindUse{gvk: gvk, first: t}
			byGVK[gvk] = k
			order = append(order, k)
		}
		k.count++
	}
	return order
}

// versionProblem says why wh will not be sent changes to the resource of m in m's version, or
// returns "" when it will.
func versionProblem(wh *admissionregistrationv1.ValidatingWebhook, m *meta.RESTMapping, mapper meta.RESTMapper) string {
	gvr := m.Resource
	res := gvr.GroupResource().String()
	versions := ruleVersions(wh.Rules, gvr, m.Scope.Name() == meta.RESTScopeNameNamespace)
	switch {
	case len(versions) == 0:
		return fmt.Sprintf("webhook %s has no rule for %s: changes to it are never judged (the auditor still checks it)", wh.Name, res)
	case slices.Contains(versions, "*"):
		return fmt.Sprintf("webhook %s is sent %s in every version as the request was made (apiVersions \"*\"): changes made in another version than %s are not judged; list %s alone in the rule (matchPolicy Equivalent converts the others)",
			wh.Name, res, gvr.Version, gvr.Version)
	case !slices.Contains(versions, gvr.Version):
		return fmt.Sprintf("webhook %s is sent %s as %s only: changes to it are never judged against Git's %s (the auditor still checks it); write it as %s in Git, or list %s alone in the rule",
			wh.Name, res, strings.Join(versions, ", "), gvr.Version, schema.GroupVersion{Group: gvr.Group, Version: versions[0]}, gvr.Version)
	case len(versions) > 1:
		return fmt.Sprintf("webhook %s is sent %s as made in each of %s: changes made in another version than %s are not judged; list %s alone in the rule (matchPolicy Equivalent converts the others)",
			wh.Name, res, strings.Join(versions, ", "), gvr.Version, gvr.Version)
	}
	if wh.MatchPolicy == nil || *wh.MatchPolicy == admissionregistrationv1.Equivalent {
		return ""
	}
	if others := otherVersions(m, mapper); len(others) > 0 {
		return fmt.Sprintf("webhook %s has matchPolicy %s: changes made in %s are not sent; use matchPolicy Equivalent",
			wh.Name, *wh.MatchPolicy, strings.Join(others, ", "))
	}
	return ""
}

// ruleVersions returns the apiVersions of the rules that send gvr's main resource (in scope
// namespaced or not) for a CREATE, UPDATE or DELETE, each once, in order.
func ruleVersions(rules []admissionregistrationv1.RuleWithOperations, gvr schema.GroupVersionResource, namespaced bool) []string {
	var out []string
	for _, r := range rules {
		if !judgesObjects(r.Operations) || !inScope(r.Scope, namespaced) || !covers(r.APIGroups, gvr.Group) || !sendsResource(r.Resources, gvr.Resource) {
			continue
		}
		for _, v := range r.APIVersions {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func judgesObjects(ops []admissionregistrationv1.OperationType) bool {
	return slices.ContainsFunc(ops, func(op admissionregistrationv1.OperationType) bool {
		return op == admissionregistrationv1.OperationAll || op == admissionregistrationv1.Create ||
			op == admissionregistrationv1.Update || op == admissionregistrationv1.Delete
	})
}

func inScope(s *admissionregistrationv1.ScopeType, namespaced bool) bool {
	switch {
	case s == nil || *s == admissionregistrationv1.AllScopes:
		return true
	case *s == admissionregistrationv1.NamespacedScope:
		return namespaced
	}
	return !namespaced
}

func covers(list []string, v string) bool {
	return slices.Contains(list, v) || slices.Contains(list, "*")
}

// sendsResource reports whether resources, as a rule writes them ("deployments", "*",
// "deployments/*", "*/*"), include the main resource, as the API server's matcher does.
func sendsResource(resources []string, resource string) bool {
	return slices.ContainsFunc(resources, func(r string) bool {
		res, sub, _ := strings.Cut(r, "/")
		return (res == "*" || res == resource) && (sub == "" || sub == "*")
	})
}

// otherVersions returns the versions the server serves m's kind in, other than m's.
func otherVersions(m *meta.RESTMapping, mapper meta.RESTMapper) []string {
	all, err := mapper.RESTMappings(m.GroupVersionKind.GroupKind())
	if err != nil {
		return nil
	}
	var out []string
	for _, o := range all {
		if v := o.GroupVersionKind.Version; v != m.GroupVersionKind.Version && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
