package auditor

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/watchlist"
)

// releasingInformers returns a cache.Options.NewInformer that builds each informer with construct
// (client-go's NewSharedIndexInformer when nil) over a ListerWatcher whose watches let go of
// what they hold once stopped (releasingWatcher).
func releasingInformers(construct func(toolscache.ListerWatcher, runtime.Object, time.Duration, toolscache.Indexers) toolscache.SharedIndexInformer) func(toolscache.ListerWatcher, runtime.Object, time.Duration, toolscache.Indexers) toolscache.SharedIndexInformer {
	if construct == nil {
		construct = toolscache.NewSharedIndexInformer
	}
	return func(lw toolscache.ListerWatcher, obj runtime.Object, resync time.Duration, indexers toolscache.Indexers) toolscache.SharedIndexInformer {
		return construct(releasingWatcher{
			lw:          toolscache.ToListerWatcherWithContext(lw),
			unsupported: watchlist.DoesClientNotSupportWatchListSemantics(lw),
		}, obj, resync, indexers)
	}
}

// releasingWatcher is a ListerWatcher whose watches drop the watch they wrap when stopped.
//
// client-go's reflector keeps the first watch of a ListAndWatch referenced, stopped or not,
// until it lists again (a deferred Stop in ListAndWatchWithContext): that first watch is the
// watch-list stream that brought the initial objects. And a watch's streaming decoder keeps a
// buffer as large as the largest object it carried, which it never shrinks: after the initial
// stream of a namespace with Helm release Secrets of hundreds of KB, that is about half a MB an
// informer (the decoder's buffer and its JSON framer's), for as long as the informer runs.
// Wrapped, a stopped watch holds only its result channel, so that memory is freed once the
// first watch ends (the API server ends each watch after its timeoutSeconds, 5 to 10 minutes
// by the reflector's choice), and a later watch's buffers go with it.
type releasingWatcher struct {
	lw toolscache.ListerWatcherWithContext
	// unsupported is the wrapped ListerWatcher's answer to watchlist's question, which the
	// reflector asks before it streams the initial objects.
	unsupported bool
}

var (
	_ toolscache.ListerWatcherWithContext = releasingWatcher{}
	_ toolscache.ListerWatcher            = releasingWatcher{}
)

// List lists, as the wrapped ListerWatcher does.
func (r releasingWatcher) List(opts metav1.ListOptions) (runtime.Object, error) {
	return r.lw.ListWithContext(context.Background(), opts)
}

// ListWithContext lists, as the wrapped ListerWatcher does.
func (r releasingWatcher) ListWithContext(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	return r.lw.ListWithContext(ctx, opts)
}

// Watch watches, as WatchWithContext does.
func (r releasingWatcher) Watch(opts metav1.ListOptions) (watch.Interface, error) {
	return r.WatchWithContext(context.Background(), opts)
}

// WatchWithContext starts a watch with the wrapped ListerWatcher and wraps it.
func (r releasingWatcher) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	w, err := r.lw.WatchWithContext(ctx, opts)
	if err != nil || w == nil {
		return w, err
	}
	return &releasingWatch{results: w.ResultChan(), w: w}, nil
}

// IsWatchListSemanticsUnSupported reports what the wrapped ListerWatcher reports (see
// watchlist.DoesClientNotSupportWatchListSemantics).
func (r releasingWatcher) IsWatchListSemanticsUnSupported() bool { return r.unsupported }

// releasingWatch is a watch that, once stopped, no longer references the watch it wraps.
type releasingWatch struct {
	results <-chan watch.Event

	mu sync.Mutex
	w  watch.Interface // nil once stopped
}

// ResultChan returns the wrapped watch's results, closed when it ends.
func (r *releasingWatch) ResultChan() <-chan watch.Event { return r.results }

// Stop stops the wrapped watch and lets go of it. Stopping again does nothing.
func (r *releasingWatch) Stop() {
	r.mu.Lock()
	w := r.w
	r.w = nil
	r.mu.Unlock()
	if w != nil {
		w.Stop()
	}
}
