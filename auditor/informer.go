package auditor

import (
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// informer is one kind watched in one space, with the objects it has delivered by name. The
// auditor reads them there, not through the cache's reader, which for each object allocates
// one, maps its kind to a resource and builds a key: at 100,000 objects that was a quarter of
// a full audit. The objects are the informer's own, shared and never modified.
type informer struct {
	cache.Informer
	started time.Time
	// reg is the registration of handler; it has synced once the initial list has been
	// delivered to byName.
	reg toolscache.ResourceEventHandlerRegistration

	mu     sync.RWMutex
	byName map[string]*unstructured.Unstructured
}

func newInformer(i cache.Informer) *informer {
	return &informer{Informer: i, started: time.Now(), byName: map[string]*unstructured.Unstructured{}}
}

// handler keeps byName up to date and tells onEvent of every event after the initial list
// (which the audit that started the informer checks).
func (inf *informer) handler(gvk schema.GroupVersionKind, onEvent func(schema.GroupVersionKind, any)) toolscache.ResourceEventHandlerDetailedFuncs {
	return toolscache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initial bool) {
			inf.store(obj)
			if !initial {
				onEvent(gvk, obj)
			}
		},
		UpdateFunc: func(old, obj any) {
			inf.store(obj)
			if resourceVersion(old) != resourceVersion(obj) { // not a resync
				onEvent(gvk, obj)
			}
		},
		DeleteFunc: func(obj any) {
			inf.remove(obj)
			onEvent(gvk, obj)
		},
	}
}

// synced reports whether the informer has listed its objects and delivered them to byName.
func (inf *informer) synced() bool {
	return inf.reg != nil && inf.reg.HasSynced()
}

// syncedDone is closed once synced is true.
func (inf *informer) syncedDone() <-chan struct{} {
	return inf.reg.HasSyncedChecker().Done()
}

// get returns the object named name, or nil.
func (inf *informer) get(name string) *unstructured.Unstructured {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	return inf.byName[name]
}

// lookup sets found[i] to the object of targets[i], nil when there is none, under one lock.
func (inf *informer) lookup(targets []*check.Target, found []*unstructured.Unstructured) {
	inf.mu.RLock()
	defer inf.mu.RUnlock()
	for i, t := range targets {
		found[i] = inf.byName[t.Key.Name]
	}
}

func (inf *informer) store(obj any) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	inf.byName[u.GetName()] = u
}

func (inf *informer) remove(obj any) {
	name := ""
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		name = o.GetName()
	case toolscache.DeletedFinalStateUnknown:
		// Key is namespace/name, or name alone for a cluster-scoped object.
		name = o.Key[strings.LastIndexByte(o.Key, '/')+1:]
	default:
		return
	}
	inf.mu.Lock()
	defer inf.mu.Unlock()
	delete(inf.byName, name)
}
