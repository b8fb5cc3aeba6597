package schema

import (
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// BuiltIn returns the schema of a kind built into client-go's scheme (Deployment, Service,
// ConfigMap...), from the structured-merge-diff schema client-go ships, with no API call. It
// reports false for other kinds, CRDs among them.
//
// Each call converts the kind afresh (about 0.2ms for a Deployment, plus a one-off ~90ms parse
// of client-go's schema in the first call of the process); a Resolver caches the results.
func BuiltIn(gvk k8sschema.GroupVersionKind) (*diff.Schema, bool) {
	s, err := newBuiltIns().kind(gvk)
	return s, err == nil
}

// newBuiltIns returns a kindSet of the kinds of client-go's scheme.
func newBuiltIns() *kindSet {
	return newKindSet(applyconfigurations.NewTypeConverter(scheme.Scheme))
}
