package schema

import (
	"errors"
	"fmt"
	"sync"
	"time"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/openapi"
	"k8s.io/client-go/openapi3"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// refetchAfter is how long a GroupVersion whose OpenAPI fetch failed, or whose document lacked
// a requested kind (a CRD installed since), waits before it is fetched again.
const refetchAfter = 30 * time.Second

// Resolver returns the schema of any kind: built-in kinds from client-go, others from the API
// server's OpenAPI v3 document of their GroupVersion, each fetched once and cached. It is safe
// for concurrent use. The zero value is not usable; call NewResolver.
type Resolver struct {
	// builtIns decodes the built-in kinds' table on its first call and returns it after.
	builtIns func() (*builtIns, error)
	root     openapi3.Root // nil when offline
	now      func() time.Time

	mu  sync.Mutex
	gvs map[k8sschema.GroupVersion]*gvEntry
}

// gvEntry caches the kinds of one GroupVersion. Its own mutex lets one goroutine fetch while
// others wait for that fetch instead of starting their own.
type gvEntry struct {
	mu        sync.Mutex
	kinds     *kindSet // nil until fetched successfully
	err       error    // last fetch error
	fetchedAt time.Time
}

// NewResolver returns a Resolver that fetches OpenAPI v3 documents through client. With a nil
// client it is offline: it knows built-in kinds only and returns ErrUnknownKind for others.
func NewResolver(client openapi.Client) *Resolver {
	r := &Resolver{
		builtIns: sync.OnceValues(func() (*builtIns, error) { return decodeTable(builtinTable) }),
		now:      time.Now,
		gvs:      map[k8sschema.GroupVersion]*gvEntry{},
	}
	if client != nil {
		r.root = openapi3.NewRoot(client)
	}
	return r
}

// NewResolverForDiscovery returns a Resolver that fetches OpenAPI v3 documents through d's
// OpenAPIV3 client, or an offline one if d is nil.
func NewResolverForDiscovery(d discovery.OpenAPIV3SchemaInterface) *Resolver {
	if d == nil {
		return NewResolver(nil)
	}
	return NewResolver(d.OpenAPIV3())
}

// For returns the schema of gvk: built in if client-go knows the kind (no API call), else from
// the OpenAPI v3 document of its GroupVersion. It never returns a nil schema without an error;
// errors name gvk and wrap ErrUnknownKind when no schema describes it.
func (r *Resolver) For(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	b, err := r.builtIns()
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", gvk, err)
	}
	if s, err := b.kind(gvk); err == nil {
		return s, nil
	}
	if r.root == nil {
		return nil, fmt.Errorf("schema of %s: %w: not built in and no API server to ask", gvk, ErrUnknownKind)
	}
	s, err := r.fromServer(gvk)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", gvk, err)
	}
	return s, nil
}

// Reset forgets the OpenAPI documents fetched so far, so that the next For of each
// GroupVersion fetches it again (after CRDs changed, say). Built-in kinds stay cached.
func (r *Resolver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gvs = map[k8sschema.GroupVersion]*gvEntry{}
}

// fromServer returns the schema of gvk from the cached OpenAPI document of its GroupVersion,
// fetching the document if it was never fetched, or if the last fetch failed or lacked gvk
// more than refetchAfter ago.
func (r *Resolver) fromServer(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	e := r.entry(gvk.GroupVersion())
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.kinds != nil {
		s, err := e.kinds.kind(gvk)
		if err == nil || r.now().Sub(e.fetchedAt) < refetchAfter {
			return s, err
		}
	} else if e.err != nil && r.now().Sub(e.fetchedAt) < refetchAfter {
		return nil, e.err
	}
	kinds, err := fetchKinds(r.root, gvk.GroupVersion())
	e.fetchedAt = r.now()
	e.err = err
	if err != nil {
		if !errors.Is(err, ErrUnknownKind) {
			// Keep serving the last good document through a transient failure.
			if e.kinds != nil {
				return e.kinds.kind(gvk)
			}
		}
		return nil, err
	}
	e.kinds = kinds
	return kinds.kind(gvk)
}

// entry returns the cache entry of gv, creating it if needed.
func (r *Resolver) entry(gv k8sschema.GroupVersion) *gvEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.gvs[gv]
	if !ok {
		e = &gvEntry{}
		r.gvs[gv] = e
	}
	return e
}
