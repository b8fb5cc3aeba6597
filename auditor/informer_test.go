package auditor

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
)

// TestInformerByName checks that the index follows the informer's events, tombstones
// included, and that only events after the initial list are passed on.
func TestInformerByName(t *testing.T) {
	obj := func(name, rv string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetName(name)
		u.SetNamespace("ns")
		u.SetResourceVersion(rv)
		return u
	}
	var events []string
	inf := newInformer(nil)
	h := inf.handler(schema.GroupVersionKind{Kind: "ConfigMap"}, func(_ schema.GroupVersionKind, o any) {
		if u, ok := o.(*unstructured.Unstructured); ok {
			events = append(events, u.GetName())
		} else {
			events = append(events, "tombstone")
		}
	})
	a1, b1 := obj("a", "1"), obj("b", "1")
	h.OnAdd(a1, true)
	h.OnAdd(b1, false)
	a2 := obj("a", "2")
	h.OnUpdate(a1, a2)
	h.OnUpdate(a2, a2) // a resync: no event
	h.OnDelete(b1)
	if inf.get("a") != a2 || inf.get("b") != nil {
		t.Errorf("get(a) = %v, get(b) = %v; want the update, and nothing", inf.get("a"), inf.get("b"))
	}
	h.OnDelete(toolscache.DeletedFinalStateUnknown{Key: "ns/a", Obj: a2})
	if inf.get("a") != nil {
		t.Error("a still indexed after its tombstone")
	}
	if diff := cmp.Diff([]string{"b", "a", "b", "tombstone"}, events); diff != "" {
		t.Errorf("events passed on (-want +got):\n%s", diff)
	}
}
