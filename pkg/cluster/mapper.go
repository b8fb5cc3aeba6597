package cluster

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/restmapper"
)

// Mapper maps kinds to resources from the API server's discovery, cached in memory. On its
// own, client-go's DeferredDiscoveryRESTMapper never looks again once its cache is filled, so
// a kind served since (a CRD installed after start, a new version of a CRD) stays unknown
// until the process restarts. Mapper notices them: a kind it cannot map makes it discover
// again and try once more. Reset forgets everything; the CLI and serve call it at every reload
// of the manifests. It is safe for concurrent use.
type Mapper struct {
	*restmapper.DeferredDiscoveryRESTMapper
}

var _ meta.ResettableRESTMapper = (*Mapper)(nil)

// NewMapper returns a Mapper over the discovery client dc, caching its answers in memory.
func NewMapper(dc discovery.DiscoveryInterface) *Mapper {
	return &Mapper{restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc))}
}

// RESTMapping returns the resource of gk in the first of versions the server serves (its
// preferred version when none is given). A kind the cached discovery does not know makes it
// discover again, once.
func (m *Mapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return m.RESTMappingWithContext(context.Background(), gk, versions...)
}

// RESTMappingWithContext is RESTMapping with a context for the discovery calls.
func (m *Mapper) RESTMappingWithContext(ctx context.Context, gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	r, err := m.DeferredDiscoveryRESTMapper.RESTMappingWithContext(ctx, gk, versions...)
	if meta.IsNoMatchError(err) {
		m.ResetWithContext(ctx)
		r, err = m.DeferredDiscoveryRESTMapper.RESTMappingWithContext(ctx, gk, versions...)
	}
	return r, err
}

// fill discovers the server's kinds if the Mapper has none cached, by mapping the Namespace
// resource, which every server serves. An error is ignored: the mapping that needs the
// kinds discovers again and reports it.
func (m *Mapper) fill(ctx context.Context) {
	_, _ = m.DeferredDiscoveryRESTMapper.KindsForWithContext(ctx, schema.GroupVersionResource{Version: "v1", Resource: "namespaces"})
}

// RESTMappings returns the resources of gk in each of versions the server serves (all of
// them when none is given), discovering again, once, when it knows none.
func (m *Mapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return m.RESTMappingsWithContext(context.Background(), gk, versions...)
}

// RESTMappingsWithContext is RESTMappings with a context for the discovery calls.
func (m *Mapper) RESTMappingsWithContext(ctx context.Context, gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	r, err := m.DeferredDiscoveryRESTMapper.RESTMappingsWithContext(ctx, gk, versions...)
	if meta.IsNoMatchError(err) {
		m.ResetWithContext(ctx)
		r, err = m.DeferredDiscoveryRESTMapper.RESTMappingsWithContext(ctx, gk, versions...)
	}
	return r, err
}
