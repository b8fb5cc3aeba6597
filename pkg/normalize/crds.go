package normalize

import (
	"context"
	"fmt"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// ClusterCRDs is a CRDSource that reads CustomResourceDefinitions from the API server: the one
// named <plural>.<group> for a group and kind, the plural coming from the RESTMapper. Each CRD
// is read once; make a new ClusterCRDs for each load, so that a changed CRD is read again. It
// keeps the context of that load for its requests, since CRDSource has no context of its own.
type ClusterCRDs struct {
	ctx    context.Context
	client dynamic.Interface
	mapper meta.RESTMapper

	mu   sync.Mutex
	seen map[k8sschema.GroupKind]*apiextensionsv1.CustomResourceDefinition
}

// NewClusterCRDs returns a CRDSource reading through client, with ctx for its requests.
func NewClusterCRDs(ctx context.Context, client dynamic.Interface, mapper meta.RESTMapper) *ClusterCRDs {
	return &ClusterCRDs{ctx: ctx, client: client, mapper: mapper, seen: map[k8sschema.GroupKind]*apiextensionsv1.CustomResourceDefinition{}}
}

// CRD returns the CustomResourceDefinition of gk, or nil when gk is not a custom resource.
func (c *ClusterCRDs) CRD(gk k8sschema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if crd, ok := c.seen[gk]; ok {
		return crd, nil
	}
	crd, err := c.get(gk)
	if err != nil {
		return nil, err
	}
	c.seen[gk] = crd
	return crd, nil
}

func (c *ClusterCRDs) get(gk k8sschema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error) {
	m, err := c.mapper.RESTMapping(gk)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", gk, err)
	}
	name := m.Resource.Resource + "." + gk.Group
	crds := k8sschema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	u, err := c.client.Resource(crds).Get(c.ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil // served by an aggregated API server, not by a CRD
	}
	if err != nil {
		return nil, fmt.Errorf("get CustomResourceDefinition %s: %w", name, err)
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, crd); err != nil {
		return nil, fmt.Errorf("decode CustomResourceDefinition %s: %w", name, err)
	}
	if crd.Spec.Names.Kind != gk.Kind {
		return nil, nil
	}
	return crd, nil
}
