package auditor

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"
)

// opened is a watch a fakeWatches made, and whether it was asked for the initial events
// (a watch-list stream).
type opened struct {
	w       *watch.FakeWatcher
	initial bool
}

// fakeWatches is a ListerWatcher of ConfigMaps whose every watch is a FakeWatcher, handed to
// the test on its channel.
func fakeWatches(ch chan<- opened) *toolscache.ListWatch {
	return &toolscache.ListWatch{
		ListWithContextFunc: func(context.Context, metav1.ListOptions) (k8sruntime.Object, error) {
			list := &unstructured.UnstructuredList{}
			list.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMapList"})
			list.SetResourceVersion("1")
			return list, nil
		},
		WatchFuncWithContext: func(_ context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			w := watch.NewFake()
			ch <- opened{w: w, initial: opts.SendInitialEvents != nil && *opts.SendInitialEvents}
			return w, nil
		},
	}
}

func configMap(name, resourceVersion string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"})
	u.SetNamespace("default")
	u.SetName(name)
	u.SetResourceVersion(resourceVersion)
	return u
}

// TestFirstWatchReleased runs an informer built by releasingInformers through its first
// watch, a watch-list stream, to the API server's end of it, and checks that once the
// informer watches again, nothing holds the first watch: client-go's reflector itself keeps
// it (and its decoder's buffers) until it lists again.
func TestFirstWatchReleased(t *testing.T) {
	ch := make(chan opened, 2)
	inf := releasingInformers(nil)(fakeWatches(ch), &unstructured.Unstructured{}, 0, toolscache.Indexers{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go inf.RunWithContext(ctx)

	next := func() opened {
		t.Helper()
		select {
		case o := <-ch:
			return o
		case <-time.After(30 * time.Second):
			t.Fatal("the informer opened no watch in 30s")
			return opened{}
		}
	}
	// The first watch streams one object, the bookmark that ends the initial events, then a
	// bookmark and its end, as the API server ends a watch at its timeout. Only a weak
	// pointer to it stays here.
	first := func() weak.Pointer[watch.FakeWatcher] {
		o := next()
		if !o.initial {
			t.Fatal("the first watch did not ask for the initial events: the reflector listed, and this test tests nothing")
		}
		o.w.Add(configMap("a", "2"))
		end := configMap("", "2")
		end.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
		o.w.Action(watch.Bookmark, end)
		o.w.Action(watch.Bookmark, configMap("", "2"))
		o.w.Stop()
		return weak.Make(o.w)
	}()
	second := next()
	if second.initial {
		t.Fatal("the second watch asked for the initial events again: the informer listed again")
	}
	syncCtx, stop := context.WithTimeout(ctx, 30*time.Second)
	defer stop()
	if !toolscache.WaitForCacheSync(syncCtx.Done(), inf.HasSynced) || len(inf.GetStore().List()) != 1 {
		t.Fatalf("synced %v with %d objects, want synced with 1", inf.HasSynced(), len(inf.GetStore().List()))
	}
	runtime.GC()
	runtime.GC()
	if first.Value() != nil {
		t.Error("the first watch is still referenced after it ended and the informer watches again")
	}
}

// TestReleasingWatch checks the wrapper's own contract: events pass, Stop stops the wrapped
// watch once, and the watch-list question is answered as the wrapped ListerWatcher answers it.
func TestReleasingWatch(t *testing.T) {
	ch := make(chan opened, 1)
	lw := releasingWatcher{lw: fakeWatches(ch)}
	w, err := lw.Watch(metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inner := (<-ch).w
	go inner.Add(configMap("a", "2"))
	if e := <-w.ResultChan(); e.Type != watch.Added || e.Object.(*unstructured.Unstructured).GetName() != "a" {
		t.Errorf("event %v %v, want ADDED a", e.Type, e.Object)
	}
	w.Stop()
	w.Stop()
	if !inner.IsStopped() {
		t.Error("the wrapped watch was not stopped")
	}
	if _, open := <-w.ResultChan(); open {
		t.Error("the results are still open after Stop")
	}
	if w.(*releasingWatch).w != nil {
		t.Error("a stopped watch still holds the wrapped one")
	}

	for _, unsupported := range []bool{false, true} {
		inf := releasingInformers(func(lw toolscache.ListerWatcher, _ k8sruntime.Object, _ time.Duration, _ toolscache.Indexers) toolscache.SharedIndexInformer {
			if got := lw.(releasingWatcher).IsWatchListSemanticsUnSupported(); got != unsupported {
				t.Errorf("IsWatchListSemanticsUnSupported() = %v, want the wrapped one's %v", got, unsupported)
			}
			return nil
		})
		var base toolscache.ListerWatcher = fakeWatches(ch)
		if unsupported {
			base = toolscache.ToListWatcherWithWatchListSemantics(fakeWatches(ch), noWatchList{})
		}
		inf(base, &unstructured.Unstructured{}, 0, nil)
	}
}

// noWatchList is a client that says it does not support watch-list semantics.
type noWatchList struct{}

func (noWatchList) IsWatchListSemanticsUnSupported() bool { return true }
