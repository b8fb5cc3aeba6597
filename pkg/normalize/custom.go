package normalize

import (
	"fmt"
	"sync"

	apiextensionsinternal "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	schemaobjectmeta "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	structuralpruning "k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	structuraldefaulting "github.com/gitops-drift/gitops-drift/pkg/normalize/internal/crddefault"
)

// custom normalises a custom resource as the API server's custom resource handler does on a
// create: prune unknown fields and non-nullable nulls, coerce metadata, apply the schema's
// defaults. Without a CRD (or without a schema for the version) the object is kept as sent.
func (n *Normalizer) custom(obj *unstructured.Unstructured, gvk k8sschema.GroupVersionKind) (Result, error) {
	u := runtime.DeepCopyJSON(obj.Object)
	var crd *apiextensionsv1.CustomResourceDefinition
	if n.crds != nil {
		var err error
		if crd, err = n.crds.CRD(gvk.GroupKind()); err != nil {
			return Result{}, fmt.Errorf("CustomResourceDefinition of %s: %w", gvk.GroupKind(), err)
		}
	}
	if crd == nil {
		dropNulls(u)
		return Result{Object: u}, nil
	}
	ss, err := n.cache.structural(crd, gvk.Version)
	if err != nil {
		return Result{}, err
	}
	var res Result
	if ss != nil && !crd.Spec.PreserveUnknownFields {
		res.Dropped = structuralpruning.PruneWithOptions(u, ss, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
		structuraldefaulting.PruneNonNullableNullsWithoutDefaults(u, ss)
		if ferr, _ := schemaobjectmeta.CoerceWithOptions(nil, u, ss, false, schemaobjectmeta.CoerceOptions{}); ferr != nil {
			return Result{}, fmt.Errorf("metadata: %w", ferr)
		}
	}
	if err := coerceMetadata(u); err != nil {
		return Result{}, err
	}
	if ss != nil {
		structuraldefaulting.Default(u, ss)
	}
	delete(u, "status")
	dropNulls(u)
	res.Object = u
	return res, nil
}

// coerceMetadata replaces the object's metadata by its round trip through ObjectMeta, as the
// API server does for every custom resource ("restore meta fields, starting clean").
func coerceMetadata(u map[string]any) error {
	meta, found, err := schemaobjectmeta.GetObjectMeta(u, false)
	if err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	if !found {
		return nil
	}
	if err := schemaobjectmeta.SetObjectMeta(u, meta); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	return nil
}

// structuralKey identifies one version's schema of one generation of a CRD.
type structuralKey struct {
	uid             types.UID
	resourceVersion string
	version         string
}

// structuralCache keeps the structural schemas built from CRDs, with their defaults pruned as
// the API server prunes them, so that each is built once per CRD change.
type structuralCache struct {
	mu      sync.Mutex
	schemas map[structuralKey]*structuralschema.Structural
}

func newStructuralCache() *structuralCache {
	return &structuralCache{schemas: map[structuralKey]*structuralschema.Structural{}}
}

// structural returns the structural schema of version of crd, or nil when the version has no
// schema.
func (c *structuralCache) structural(crd *apiextensionsv1.CustomResourceDefinition, version string) (*structuralschema.Structural, error) {
	key := structuralKey{uid: crd.UID, resourceVersion: crd.ResourceVersion, version: version}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.schemas[key]; ok {
		return s, nil
	}
	s, err := buildStructural(crd, version)
	if err != nil {
		return nil, fmt.Errorf("schema of %s version %s: %w", crd.Name, version, err)
	}
	c.schemas[key] = s
	return s, nil
}

// buildStructural does what the API server's CRD handler does to serve a version: convert its
// validation schema to the internal type, make it structural, and prune its defaults.
func buildStructural(crd *apiextensionsv1.CustomResourceDefinition, version string) (*structuralschema.Structural, error) {
	var val *apiextensionsv1.CustomResourceValidation
	for i := range crd.Spec.Versions {
		if crd.Spec.Versions[i].Name == version {
			val = crd.Spec.Versions[i].Schema
		}
	}
	if val == nil || val.OpenAPIV3Schema == nil {
		return nil, nil
	}
	internal := &apiextensionsinternal.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(val, internal, nil); err != nil {
		return nil, fmt.Errorf("convert: %w", err)
	}
	s, err := structuralschema.NewStructural(internal.OpenAPIV3Schema)
	if err != nil {
		return nil, fmt.Errorf("not structural: %w", err)
	}
	s = s.DeepCopy()
	if err := structuraldefaulting.PruneDefaults(s); err != nil {
		return nil, fmt.Errorf("prune defaults: %w", err)
	}
	return s, nil
}
