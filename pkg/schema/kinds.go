package schema

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	smdschema "sigs.k8s.io/structured-merge-diff/v6/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// kindResult is the outcome of converting one kind, kept so that neither a schema nor a miss
// is computed twice.
type kindResult struct {
	schema *diff.Schema
	err    error
}

// kindSet converts the kinds a TypeConverter knows and caches the results. Kinds share the
// nodes of the named types they have in common (ObjectMeta, PodSpec). It is safe for
// concurrent use.
type kindSet struct {
	tc managedfields.TypeConverter

	mu    sync.Mutex
	convs map[*smdschema.Schema]*converter
	kinds map[k8sschema.GroupVersionKind]kindResult
}

func newKindSet(tc managedfields.TypeConverter) *kindSet {
	return &kindSet{
		tc:    tc,
		convs: map[*smdschema.Schema]*converter{},
		kinds: map[k8sschema.GroupVersionKind]kindResult{},
	}
}

// kind returns the schema of gvk, or an error if the TypeConverter does not know gvk.
func (k *kindSet) kind(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if r, ok := k.kinds[gvk]; ok {
		return r.schema, r.err
	}
	s, err := k.convert(gvk)
	k.kinds[gvk] = kindResult{schema: s, err: err}
	return s, err
}

// convert finds the root type of gvk by typing a minimal object of that kind, then converts
// it with the converter of its structured-merge-diff schema. k.mu must be held.
func (k *kindSet) convert(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(gvk)
	tv, err := k.tc.ObjectToTyped(obj)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnknownKind, err)
	}
	smd := tv.Schema()
	c, ok := k.convs[smd]
	if !ok {
		c = newConverter(smd)
		k.convs[smd] = c
	}
	s := c.convert(tv.TypeRef())
	if s == nil {
		return nil, fmt.Errorf("%w: root type is not an object", ErrUnknownKind)
	}
	return s, nil
}
