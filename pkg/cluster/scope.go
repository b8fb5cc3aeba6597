package cluster

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Scope answers whether a kind is namespaced, from the API server's discovery data.
type Scope struct {
	Mapper meta.RESTMapper
}

// Namespaced reports whether objects of gvk live in a namespace. A kind the server does not
// serve is an error.
func (s Scope) Namespaced(gvk schema.GroupVersionKind) (bool, error) {
	m, err := s.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return false, fmt.Errorf("unknown kind %s: %w", gvk, err)
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}
