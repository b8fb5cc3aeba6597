package manifest

import "k8s.io/apimachinery/pkg/runtime/schema"

// Scope tells namespaced kinds from cluster-scoped ones. The CLI passes an adapter over the API
// server's RESTMapper; an error, such as a kind the server does not know, fails the load.
type Scope interface {
	// Namespaced reports whether objects of kind gvk live in a namespace.
	Namespaced(gvk schema.GroupVersionKind) (bool, error)
}

// ScopeFunc adapts a function to the Scope interface.
type ScopeFunc func(gvk schema.GroupVersionKind) (bool, error)

// Namespaced calls f(gvk).
func (f ScopeFunc) Namespaced(gvk schema.GroupVersionKind) (bool, error) { return f(gvk) }

// BuiltinScope is the Scope used when Options.Scope is nil, for offline use and tests. It knows
// the common cluster-scoped built-in kinds (Namespace, Node, PersistentVolume, ClusterRole,
// ClusterRoleBinding, CustomResourceDefinition, StorageClass, CSIDriver, PriorityClass,
// RuntimeClass, ValidatingWebhookConfiguration, MutatingWebhookConfiguration,
// ValidatingAdmissionPolicy and its binding, APIService, IngressClass) by group and kind, in any
// version, and takes every other kind, custom resources included, for namespaced. It never fails.
type BuiltinScope struct{}

// Namespaced reports false for the kinds listed on BuiltinScope and true for all others.
func (BuiltinScope) Namespaced(gvk schema.GroupVersionKind) (bool, error) {
	return !builtinClusterScoped(gvk.GroupKind()), nil
}

// builtinClusterScoped reports whether gk is one of the cluster-scoped kinds BuiltinScope knows.
func builtinClusterScoped(gk schema.GroupKind) bool {
	switch gk {
	case schema.GroupKind{Kind: "Namespace"},
		schema.GroupKind{Kind: "Node"},
		schema.GroupKind{Kind: "PersistentVolume"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"},
		schema.GroupKind{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"},
		schema.GroupKind{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"},
		schema.GroupKind{Group: "storage.k8s.io", Kind: "StorageClass"},
		schema.GroupKind{Group: "storage.k8s.io", Kind: "CSIDriver"},
		schema.GroupKind{Group: "scheduling.k8s.io", Kind: "PriorityClass"},
		schema.GroupKind{Group: "node.k8s.io", Kind: "RuntimeClass"},
		schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"},
		schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"},
		schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"},
		schema.GroupKind{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"},
		schema.GroupKind{Group: "apiregistration.k8s.io", Kind: "APIService"},
		schema.GroupKind{Group: "networking.k8s.io", Kind: "IngressClass"}:
		return true
	}
	return false
}
