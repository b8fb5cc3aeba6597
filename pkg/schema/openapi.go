package schema

import (
	"errors"
	"fmt"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/openapi3"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// ErrUnknownKind is wrapped by the errors returned for a kind that no schema describes: not
// built in and, for a Resolver with a client, not in the API server's OpenAPI document of its
// GroupVersion. Callers that can do without a schema branch on it with errors.Is.
var ErrUnknownKind = errors.New("unknown kind")

// FromOpenAPI returns the schema of gvk from OpenAPI v3 component schemas, such as the
// Components.Schemas of an API server's document for one GroupVersion. The kind's schema must
// carry the x-kubernetes-group-version-kind extension, as the API server's do.
func FromOpenAPI(components map[string]*spec.Schema, gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	kinds, err := newOpenAPIKinds(components)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", gvk, err)
	}
	s, err := kinds.kind(gvk)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", gvk, err)
	}
	return s, nil
}

// newOpenAPIKinds returns a kindSet of the kinds described by OpenAPI v3 component schemas.
func newOpenAPIKinds(components map[string]*spec.Schema) (*kindSet, error) {
	tc, err := managedfields.NewTypeConverter(components, false)
	if err != nil {
		return nil, fmt.Errorf("converting OpenAPI schemas: %w", err)
	}
	return newKindSet(tc), nil
}

// fetchKinds downloads the OpenAPI v3 document of gv and returns a kindSet of its kinds. A
// GroupVersion the server does not serve yields an error wrapping ErrUnknownKind.
func fetchKinds(root openapi3.Root, gv k8sschema.GroupVersion) (*kindSet, error) {
	doc, err := root.GVSpec(gv)
	if err != nil {
		var notFound *openapi3.GroupVersionNotFoundError
		if errors.As(err, &notFound) {
			return nil, fmt.Errorf("%w: %w", ErrUnknownKind, err)
		}
		return nil, fmt.Errorf("fetching OpenAPI v3 of %s: %w", gv, err)
	}
	if doc.Components == nil || len(doc.Components.Schemas) == 0 {
		return nil, fmt.Errorf("%w: OpenAPI v3 of %s has no schemas", ErrUnknownKind, gv)
	}
	kinds, err := newOpenAPIKinds(doc.Components.Schemas)
	if err != nil {
		return nil, fmt.Errorf("OpenAPI v3 of %s: %w", gv, err)
	}
	return kinds, nil
}
