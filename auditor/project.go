package auditor

import (
	"sync"
	"unique"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

// view is the desired state the informers' transform projects live objects by: the state the
// auditor checks (see Auditor.track), not the store's newest, so that no cached object is
// projected by a state newer, and perhaps narrower, than the one it is checked against.
type view struct {
	d *check.Desired
	// self is gitops-drift's field manager, whose managedFields entries are kept without
	// their fields (ownership.Compact).
	self string
	// held keeps the copies of compacted managedFields' strings that the projections share.
	held heldStrings
}

// heldStrings holds the copies of the strings of compacted managedFields (their fields' JSON,
// managers, operations) that the projections of a view share. ownership shares them with
// share.Interned, which forgets a copy at a collection when no Handle holds it: an object updated
// after one would get a copy of its own, and, objects being updated one by one, sharing
// would fade as the process runs. Holding their Handles for as long as the view lasts (one
// desired state) keeps one copy of each, shared by the objects projected by the view; what
// it holds is the distinct field sets of the tracked objects met meanwhile, which change when
// a manager sets other fields. Times are not held: most writes have their own.
type heldStrings struct {
	mu      sync.Mutex
	handles map[unique.Handle[any]]struct{}
}

// hold holds the shared copies of the strings of the compacted managedFields of obj.
func (h *heldStrings) hold(obj map[string]any) {
	md, _ := obj["metadata"].(map[string]any)
	list, _ := md["managedFields"].([]any)
	if len(list) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.handles == nil {
		h.handles = map[unique.Handle[any]]struct{}{}
	}
	for _, e := range list {
		m, _ := e.(map[string]any)
		for k, v := range m {
			if _, ok := v.(string); ok && k != "time" {
				// The copy m holds, or, if it is no longer unique's, m's becomes it.
				h.handles[unique.Make(v)] = struct{}{}
			}
		}
	}
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

// keep returns what the cache holds of u: a tracked object's projection by its target
// (check.Target.Project: what its check reads, and the metadata the auditor uses), a stub for
// any other (check.Stub). Keeping its result again gives the same object (an informer may
// transform an object twice). A nil view (no state yet) keeps u whole, its managedFields compacted.
func (v *view) keep(u *unstructured.Unstructured) *unstructured.Unstructured {
	if v == nil {
		ownership.Compact(u.Object, "")
		return u
	}
	t := v.target(u.Object)
	if t == nil {
		return &unstructured.Unstructured{Object: check.Stub(u.Object)}
	}
	out := t.Project(u.Object)
	ownership.Compact(out, v.self)
	out = t.NoteInSync(out) // of an object in sync, its identity: a full audit compares only what drifts
	v.held.hold(out)
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

// resourceVersionOf returns the resourceVersion of a cached object, read as scopeOf reads.
func resourceVersionOf(u *unstructured.Unstructured) string {
	md, _ := u.Object["metadata"].(map[string]any)
	rv, _ := md["resourceVersion"].(string)
	return rv
}
