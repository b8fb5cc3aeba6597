package auditor

import (
	"maps"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

// projectFunc returns a new object holding what checking live (a live object's content)
// against t reads: Compare's fields, its hand-edit search and attribution, and the metadata
// the auditor uses (see view); the transform then compacts its managedFields
// (ownership.Compact). Projecting its result again must give the same object (an informer may
// transform an object twice).
type projectFunc func(t *check.Target, live map[string]any) map[string]any

// withoutStatus is the projection until pkg/check provides the narrow one: the whole object
// but its status, which Compare never reads.
func withoutStatus(_ *check.Target, live map[string]any) map[string]any {
	out := maps.Clone(live)
	delete(out, "status")
	return out
}

// view is the desired state the informers' transform projects live objects by: the state the
// auditor checks (see Auditor.track), not the store's newest, so that no cached object is
// projected by a state newer, and perhaps narrower, than the one it is checked against.
type view struct {
	d *check.Desired
	// self is gitops-drift's field manager, whose managedFields entries are kept without
	// their fields (ownership.Compact).
	self    string
	project projectFunc
}

// transform returns the informers' transform: each object is projected by the view that
// current returns at the time it arrives. Typed objects (none are watched) lose their
// managedFields.
func transform(current func() *view) toolscache.TransformFunc {
	strip := cache.TransformStripManagedFields()
	return func(in any) (any, error) {
		u, ok := in.(*unstructured.Unstructured)
		if !ok {
			return strip(in)
		}
		return current().keep(u), nil
	}
}

// keep returns what the cache holds of u: a tracked object's projection by its target, a stub
// for any other. A nil view (no state yet) keeps u whole, its managedFields compacted.
func (v *view) keep(u *unstructured.Unstructured) *unstructured.Unstructured {
	if v == nil {
		ownership.Compact(u.Object, "")
		return u
	}
	t := v.target(u.Object)
	if t == nil {
		return stub(u.Object)
	}
	out := v.project(t, u.Object)
	ownership.Compact(out, v.self)
	return &unstructured.Unstructured{Object: out}
}

// target returns the target that checks obj, nil when Git does not track it or skips it.
func (v *view) target(obj map[string]any) *check.Target {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	md, _ := obj["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	name, _ := md["name"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil
	}
	t, ok := v.d.Lookup(manifest.Key{Group: gv.Group, Kind: kind, Namespace: ns, Name: name})
	if !ok || t.Policy.Skip {
		return nil
	}
	return t
}

// stub returns what the cache keeps of an object Git does not track: its apiVersion, kind,
// name, namespace, uid and resourceVersion. A Secret's data, say, never stays in memory.
func stub(obj map[string]any) *unstructured.Unstructured {
	md, _ := obj["metadata"].(map[string]any)
	keep := make(map[string]any, 4)
	for _, k := range [...]string{"name", "namespace", "uid", "resourceVersion"} {
		if v, ok := md[k]; ok {
			keep[k] = v
		}
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": obj["apiVersion"], "kind": obj["kind"], "metadata": keep}}
}

// resourceVersionOf returns the resourceVersion of a cached object, read as scopeOf reads.
func resourceVersionOf(u *unstructured.Unstructured) string {
	md, _ := u.Object["metadata"].(map[string]any)
	rv, _ := md["resourceVersion"].(string)
	return rv
}
