package normalize

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
)

// CRDSource returns the CustomResourceDefinition that defines the custom resources of a group
// and kind, or nil when no CRD does (an aggregated API, say).
type CRDSource interface {
	CRD(gk k8sschema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error)
}

// Result is a normalised object.
type Result struct {
	// Object is the object in the server's stored form, without defaults for built-in kinds.
	// It shares nothing with the object given to Normalize.
	Object map[string]any
	// Dropped lists the fields of the object that its kind does not have, which the server
	// drops, as the paths the server names them by (spec.template.spec.containers[0].imagePolicy).
	Dropped []string
	// StringData lists, sorted, the keys of a Secret's data that Git spells under stringData.
	// Object has them in data, where the API server stores them, and has no stringData (see
	// the package documentation); a reader of the object's drift finds them in Git under
	// stringData. Nil for every other object.
	StringData []string
}

// Normalizer normalises desired objects. It is safe for concurrent use if its CRDSource is.
type Normalizer struct {
	scheme *runtime.Scheme
	crds   CRDSource
	cache  *structuralCache
	conv   typedconv.Converter // converts each object to its Go type and back, for the round trip
	protos protoChecks         // tell whether the round trip through protobuf changes an object
	// typed holds, per kind (GroupVersionKind), a sync.Pool of zero objects of its Go type
	// for the round trip: an object is dropped as soon as it is converted back, and a
	// Deployment's is 1.2 KB.
	typed sync.Map
}

// New returns a Normalizer for the built-in kinds of client-go (and CustomResourceDefinitions
// themselves) and, through crds, for custom resources. crds may be nil: custom resources are
// then kept as sent.
func New(crds CRDSource) (*Normalizer, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("register client-go's kinds: %w", err)
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		return nil, fmt.Errorf("register apiextensions.k8s.io/v1: %w", err)
	}
	if err := registerDefaults(s); err != nil {
		return nil, err
	}
	return &Normalizer{scheme: s, crds: crds, cache: newStructuralCache()}, nil
}

// Normalize returns obj in the form the API server stores it in (see the package
// documentation). It fails when obj does not fit its kind's Go type (a string where the API has
// a number, data that is not base64): the API server would refuse it.
func (n *Normalizer) Normalize(obj *unstructured.Unstructured) (Result, error) {
	gvk := obj.GroupVersionKind()
	if n.scheme.Recognizes(gvk) {
		return n.builtIn(obj.Object, gvk)
	}
	return n.custom(obj, gvk)
}

// builtIn normalises an object of a kind of the scheme by a round trip through its Go type,
// and through protobuf, as the API server stores it, when the type has that encoding: it is
// what turns an empty list or map into an absent one.
func (n *Normalizer) builtIn(u map[string]any, gvk k8sschema.GroupVersionKind) (Result, error) {
	var err error
	pool := n.typedPool(gvk)
	typed, _ := pool.Get().(runtime.Object)
	if typed == nil {
		if typed, err = n.scheme.New(gvk); err != nil {
			return Result{}, fmt.Errorf("normalize %s: %w", gvk.Kind, err)
		}
	}
	defer release(pool, typed) // the object taken, whatever the round trip returns
	var res Result
	err = n.conv.FromUnstructuredWithValidation(u, typed, true)
	if strict, ok := runtime.AsStrictDecodingError(err); ok {
		for _, e := range strict.Errors() {
			res.Dropped = append(res.Dropped, unknownField(e))
		}
	} else if err != nil {
		return Result{}, fmt.Errorf("does not fit the %s schema: %w", gvk.Kind, err)
	}
	if typed, err = n.protos.throughProtobuf(n.scheme, gvk, typed); err != nil {
		return Result{}, err
	}
	out, err := n.conv.ToUnstructured(typed)
	if err != nil {
		return Result{}, fmt.Errorf("normalize %s: %w", gvk.Kind, err)
	}
	delete(out, "status") // never compared
	dropNulls(out)
	// The zero values of fields without omitempty (strategy: {}, resources: {}) that the Go
	// types add although Git never set them.
	dropAdded(out, u, anyValue)
	if apiVersion, _ := u["apiVersion"].(string); diff.IsSecret(apiVersion, gvk.Kind) {
		res.StringData = foldStringData(out)
	}
	res.Object = out
	return res, nil
}

// typedPool returns the pool of zero objects of kind gvk.
func (n *Normalizer) typedPool(gvk k8sschema.GroupVersionKind) *sync.Pool {
	if p, ok := n.typed.Load(gvk); ok {
		return p.(*sync.Pool)
	}
	p, _ := n.typed.LoadOrStore(gvk, new(sync.Pool))
	return p.(*sync.Pool)
}

// release sets obj, a pointer to a struct taken from pool and converted back to a map, to its
// zero value and puts it back. Nothing the conversion gave shares its memory: strings are
// the input's or new, maps, lists and bytes new.
func release(pool *sync.Pool, obj runtime.Object) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	v.Elem().SetZero()
	pool.Put(obj)
}

// foldStringData moves the stringData of a Secret, in the form the round trip gave it (every
// value a string), into its data, as the API server does when it decodes a Secret
// (Convert_v1_Secret_To_core_Secret in k8s.io/kubernetes): each value is stored as the bytes
// of its string, base64-encoded in JSON, in place of a data value of the same key, and
// stringData is not stored. It returns the keys it moved, sorted.
func foldStringData(secret map[string]any) []string {
	sd, _ := secret["stringData"].(map[string]any)
	delete(secret, "stringData")
	if len(sd) == 0 {
		return nil
	}
	data, _ := secret["data"].(map[string]any)
	if data == nil {
		data = make(map[string]any, len(sd))
		secret["data"] = data
	}
	keys := make([]string, 0, len(sd))
	for k, v := range sd {
		s, _ := v.(string)
		data[k] = base64.StdEncoding.EncodeToString([]byte(s))
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// unknownField returns the path an unknown-field error of the converter names:
// `unknown field "spec.foo"` gives spec.foo.
func unknownField(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, `"`); i >= 0 {
		if j := strings.LastIndex(msg, `"`); j > i {
			return msg[i+1 : j]
		}
	}
	return msg
}

// dropAdded removes from out, recursively, the fields that in is without and whose value drop
// selects: what a round trip through the Go types added to in. The round trip keeps field
// names and the items of lists (defaulting never adds or removes items), so out and in line up
// field by field and item by item; lists whose lengths differ are left alone.
func dropAdded(out, in any, drop func(v any) bool) {
	switch o := out.(type) {
	case map[string]any:
		i, _ := in.(map[string]any)
		for k, v := range o {
			iv, ok := i[k]
			if !ok && drop(v) {
				delete(o, k)
				continue
			}
			dropAdded(v, iv, drop)
		}
	case []any:
		i, _ := in.([]any)
		if len(i) != len(o) {
			return
		}
		for n := range o {
			dropAdded(o[n], i[n], drop)
		}
	}
}

// anyValue selects every value for dropAdded.
func anyValue(any) bool { return true }

// emptyObject selects the empty objects for dropAdded.
func emptyObject(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

// dropNulls removes the null values of maps, recursively: null means absent.
func dropNulls(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			dropNulls(e)
		}
	case []any:
		for _, e := range x {
			dropNulls(e)
		}
	}
}
