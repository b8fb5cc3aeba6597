package schema

import (
	"slices"
	"strings"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// This file holds the two documented exceptions to what a schema says: list-maps whose order
// matters although the schema matches their items by key, and fields a controller fills by
// design although the schema lets a manifest set them. Add a row here, with its reason, rather
// than an if where a case first hurt.

// OrderedList reports whether the field of the named type typeName is a list-map whose items'
// relative order is significant. Items added by others (an injected init container) may sit
// anywhere; only the order of the items Git defines is checked. The table, with why:
//
//   - PodSpec.initContainers: init containers (and sidecars, restartPolicy: Always) start one
//     after another, in list order; a later one may rely on an earlier one having finished.
//   - Container.env: $(VAR) in a value expands only variables defined earlier in the list.
//   - MutatingWebhookConfiguration.webhooks: the API server calls a configuration's mutating
//     webhooks in list order, each seeing the object as the previous one left it.
//
// Containers, volumes, ports and the other list-maps are not here: their order means nothing.
func OrderedList(typeName, field string) bool {
	switch typeName + "." + field {
	case "io.k8s.api.core.v1.PodSpec.initContainers",
		"io.k8s.api.core.v1.Container.env",
		"io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration.webhooks":
		return true
	}
	return false
}

// ownedField is a field that a controller fills by design when a desired object asks it to.
type ownedField struct {
	group string   // the API group, any version
	kinds []string // the kinds of that group
	when  func(obj map[string]any) bool
	paths []string
}

// caInjected reports whether a desired object asks a CA injector to fill its caBundle fields:
// cert-manager's cainjector, or OpenShift's service CA operator.
func caInjected(obj map[string]any) bool {
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	for _, a := range []string{
		"cert-manager.io/inject-ca-from",
		"cert-manager.io/inject-ca-from-secret",
		"cert-manager.io/inject-apiserver-ca",
		"service.beta.openshift.io/inject-cabundle",
	} {
		if v, ok := ann[a].(string); ok && v != "" && v != "false" {
			return true
		}
	}
	return false
}

// controllerOwned is the table of fields owned by a controller by design. Compare never
// reports them and remediation never writes them.
//
//   - ClusterRole rules, when aggregationRule is set: the clusterrole-aggregation-controller
//     writes them (by server-side apply, with force, since Kubernetes 1.21). Argo CD ignores
//     them with resource.compareoptions ignoreAggregatedRoles; Flux's kustomize-controller
//     skips them (fluxcd/kustomize-controller#1041).
//   - caBundle of webhook configurations, CRD conversion webhooks and APIServices whose
//     manifest carries a CA injection annotation: cert-manager's cainjector (or OpenShift's
//     service CA operator) writes them. Argo CD's documentation gives the same path as its
//     example of ignoreDifferences for webhook configurations.
func controllerOwned() []ownedField {
	hasAggregationRule := func(obj map[string]any) bool { return obj["aggregationRule"] != nil }
	return []ownedField{
		{group: "rbac.authorization.k8s.io", kinds: []string{"ClusterRole"}, when: hasAggregationRule,
			paths: []string{"rules"}},
		{group: "admissionregistration.k8s.io", kinds: []string{"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"},
			when: caInjected, paths: []string{"webhooks[*].clientConfig.caBundle"}},
		{group: "apiextensions.k8s.io", kinds: []string{"CustomResourceDefinition"}, when: caInjected,
			paths: []string{"spec.conversion.webhook.clientConfig.caBundle"}},
		{group: "apiregistration.k8s.io", kinds: []string{"APIService"}, when: caInjected,
			paths: []string{"spec.caBundle"}},
	}
}

// ControllerOwned returns the paths of the desired object obj that a controller fills by
// design (see controllerOwned): they are never drift, and remediation never writes them.
func ControllerOwned(obj map[string]any) []diff.Path {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = "" // the core group: "v1"
	}
	var out []diff.Path
	for _, f := range controllerOwned() {
		if f.group != group || !slices.Contains(f.kinds, kind) || !f.when(obj) {
			continue
		}
		for _, p := range f.paths {
			out = append(out, mustParse(p))
		}
	}
	return out
}

// mustParse parses a path of the table above; they are constants, so a failure is a bug.
func mustParse(s string) diff.Path {
	p, err := diff.ParsePath(s)
	if err != nil {
		panic("schema: bad path in the controller-owned table: " + err.Error())
	}
	return p
}
