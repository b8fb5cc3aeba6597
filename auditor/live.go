package auditor

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
)

// scope is what one informer watches: the objects of one kind in one namespace ("" for a
// cluster-scoped kind).
type scope struct {
	gvk       schema.GroupVersionKind
	namespace string
}

// scopeOf returns the scope of obj. It reads the fields as obj.GroupVersionKind and
// obj.GetNamespace do, without their generic walks: a full audit calls it for every object.
func scopeOf(obj *unstructured.Unstructured) scope {
	apiVersion, _ := obj.Object["apiVersion"].(string)
	kind, _ := obj.Object["kind"].(string)
	md, _ := obj.Object["metadata"].(map[string]any)
	ns, _ := md["namespace"].(string)
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return scope{namespace: ns}
	}
	return scope{gvk: gv.WithKind(kind), namespace: ns}
}

// targetScope returns the scope of the object of t.
func targetScope(t *check.Target) scope { return scope{gvk: t.GVK, namespace: t.Key.Namespace} }

// live is a check.LiveSource over informers. It keeps one controller-runtime cache per
// namespace the desired state names, restricted to that namespace, and one cluster-wide cache
// for cluster-scoped kinds; each cache runs one informer per kind the desired state has there.
// A cache or informer starts the first time a Fetch asks for its namespace and kind (a reload
// may bring new ones) and stops when retain no longer lists it. Reads are lookups in the
// informers' stores, without copies: once the informers have synced, Fetch makes no API call.
// Objects read are shared with the cache and must not be modified.
//
// The caches hold projections (see view): of a tracked object, what its check reads; of any
// other, a stub. They are not the API's objects: a write reads the whole object first (gate).
type live struct {
	ctx  context.Context // the lifetime of the caches: the auditor's Start
	cfg  *rest.Config
	base cache.Options
	// syncTimeout is how long a new informer may take to list before its objects are
	// reported as errors (no RBAC to list them, say).
	syncTimeout time.Duration
	// onEvent is told of every watch event after the initial list.
	onEvent func(gvk schema.GroupVersionKind, obj any)
	// self is gitops-drift's field manager, whose managedFields entries the cache keeps
	// without their fields.
	self string
	// view is the desired state the transform projects by (see track).
	view atomic.Pointer[view]
	// pace, if set, paces the collector while new informers list, until the release it
	// returns is called (Options.ListGCPercent).
	pace func() (release func())

	mu     sync.Mutex
	spaces map[string]*space // by namespace; "" holds the cluster-scoped kinds
}

// space is the cache of one namespace and its informers.
type space struct {
	cache    cache.Cache
	stop     context.CancelFunc
	stopped  chan struct{}
	watching map[schema.GroupVersionKind]*informer
}

func newLive(ctx context.Context, cfg *rest.Config, base cache.Options, syncTimeout time.Duration, self string, onEvent func(schema.GroupVersionKind, any)) *live {
	return &live{ctx: ctx, cfg: cfg, base: base, syncTimeout: syncTimeout, self: self, onEvent: onEvent,
		spaces: map[string]*space{}}
}

// track makes the transform project the objects that arrive from now on by d.
func (l *live) track(d *check.Desired) {
	l.view.Store(&view{d: d, self: l.self})
}

// tracks reports whether the transform projects by d.
func (l *live) tracks(d *check.Desired) bool {
	v := l.view.Load()
	return v != nil && v.d == d
}

var _ check.LiveSource = (*live)(nil)

// Fetch returns the live copy of each desired object from the informers, starting those it
// lacks and waiting for new ones to list, at most syncTimeout after they started.
func (l *live) Fetch(ctx context.Context, desired []*unstructured.Unstructured) []cluster.Live {
	scopes := make([]scope, len(desired))
	var distinct []scope
	for i, obj := range desired {
		scopes[i] = scopeOf(obj)
		if !slices.Contains(distinct, scopes[i]) {
			distinct = append(distinct, scopes[i])
		}
	}
	infs := l.watch(ctx, distinct)
	out := make([]cluster.Live, len(desired))
	for i, obj := range desired {
		w := infs[scopes[i]]
		if out[i].Err = w.err; w.err == nil {
			out[i].Object = w.inf.get(obj.GetName())
		}
	}
	return out
}

// watchResult is the informer of a scope, synced, or why there is none.
type watchResult struct {
	inf *informer
	err error
}

// watch returns the informer of each scope, starting those it lacks and waiting for new ones
// to list, at most syncTimeout after they started; an informer that has not listed by then
// is an error.
func (l *live) watch(ctx context.Context, scopes []scope) map[scope]watchResult {
	out := make(map[scope]watchResult, len(scopes))
	var pending []*informer
	for _, sc := range scopes {
		inf, err := l.informer(sc)
		out[sc] = watchResult{inf: inf, err: err}
		if err == nil && !inf.synced() {
			pending = append(pending, inf)
		}
	}
	release := func() {}
	if len(pending) > 0 && l.pace != nil {
		release = l.pace() // the lists started with the informers, a moment ago
	}
	l.awaitSync(ctx, pending)
	release()
	for sc, w := range out {
		if w.err == nil && !w.inf.synced() {
			out[sc] = watchResult{err: fmt.Errorf("%s in %q: watch not synced after %s (can gitops-drift list and watch them?)", sc.gvk.Kind, sc.namespace, l.syncTimeout)}
		}
	}
	return out
}

// get returns the object named name in sc from its synced informer; nil when there is none.
func (l *live) get(_ context.Context, sc scope, name string) (*unstructured.Unstructured, error) {
	l.mu.Lock()
	var inf *informer
	if sp := l.spaces[sc.namespace]; sp != nil {
		inf = sp.watching[sc.gvk]
	}
	l.mu.Unlock()
	switch {
	case inf == nil:
		return nil, fmt.Errorf("%s in %q: not watched", sc.gvk.Kind, sc.namespace)
	case !inf.synced():
		return nil, fmt.Errorf("%s in %q: watch not synced after %s (can gitops-drift list and watch them?)", sc.gvk.Kind, sc.namespace, l.syncTimeout)
	}
	return inf.get(name), nil
}

// informer returns the informer of sc, starting it (and its namespace's cache) if needed.
func (l *live) informer(sc scope) (*informer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	sp, err := l.space(sc.namespace)
	if err != nil {
		return nil, err
	}
	if inf, ok := sp.watching[sc.gvk]; ok {
		return inf, nil
	}
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(sc.gvk)
	i, err := sp.cache.GetInformer(l.ctx, obj, cache.BlockUntilSynced(false))
	if err != nil {
		return nil, fmt.Errorf("watch %s in %q: %w", sc.gvk, sc.namespace, err)
	}
	inf := newInformer(i)
	if inf.reg, err = i.AddEventHandler(inf.handler(sc.gvk, l.onEvent)); err != nil {
		return nil, fmt.Errorf("watch %s in %q: %w", sc.gvk, sc.namespace, err)
	}
	sp.watching[sc.gvk] = inf
	logr.FromContextOrDiscard(l.ctx).V(1).Info("watching", "kind", sc.gvk.String(), "namespace", sc.namespace)
	return inf, nil
}

// space returns the cache of namespace, creating and starting it if needed. l.mu is held.
func (l *live) space(namespace string) (*space, error) {
	if sp, ok := l.spaces[namespace]; ok {
		return sp, nil
	}
	opts := l.base
	if namespace != "" {
		opts.DefaultNamespaces = map[string]cache.Config{namespace: {}}
	}
	opts.DefaultTransform = transform(l.view.Load)
	opts.NewInformer = releasingInformers(l.base.NewInformer)
	opts.ReaderFailOnMissingInformer = true // a read never starts a watch by itself
	c, err := cache.New(l.cfg, opts)
	if err != nil {
		return nil, fmt.Errorf("cache for namespace %q: %w", namespace, err)
	}
	ctx, stop := context.WithCancel(l.ctx)
	sp := &space{cache: c, stop: stop, stopped: make(chan struct{}), watching: map[schema.GroupVersionKind]*informer{}}
	go func() {
		defer close(sp.stopped)
		if err := c.Start(ctx); err != nil {
			logr.FromContextOrDiscard(ctx).Error(err, "informer cache stopped", "namespace", namespace)
		}
	}()
	l.spaces[namespace] = sp
	return sp, nil
}

// awaitSync waits until every informer has synced or passed its sync deadline, or ctx ends.
func (l *live) awaitSync(ctx context.Context, infs []*informer) {
	for _, inf := range infs {
		wait := time.Until(inf.started.Add(l.syncTimeout))
		if wait <= 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-inf.syncedDone():
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
}

// retain stops the informers whose scope is not in keep, and the caches left without one.
func (l *live) retain(keep []scope) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ns, sp := range l.spaces {
		for gvk := range sp.watching {
			if slices.Contains(keep, scope{gvk: gvk, namespace: ns}) {
				continue
			}
			l.stopInformer(sp, scope{gvk: gvk, namespace: ns})
			logr.FromContextOrDiscard(l.ctx).V(1).Info("stopped watching", "kind", gvk.String(), "namespace", ns)
		}
		if len(sp.watching) == 0 {
			sp.stop()
			<-sp.stopped
			delete(l.spaces, ns)
		}
	}
}

// relist restarts the informers of the scopes in names (those of objects whose cached copies
// may be too narrow for the current view), so that they list their objects again, projected by
// the view: a Fetch starts them again and waits for their lists. Whether an informer holds
// one of the names is not asked: an object transformed by the view before, still on its way
// to the informer's store, would be missed.
func (l *live) relist(names map[scope][]string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for sc := range names {
		sp := l.spaces[sc.namespace]
		if sp == nil || sp.watching[sc.gvk] == nil {
			continue
		}
		l.stopInformer(sp, sc)
		logr.FromContextOrDiscard(l.ctx).V(1).Info("listing again", "kind", sc.gvk.String(), "namespace", sc.namespace)
	}
}

// stopInformer stops the informer of sc in sp. l.mu is held.
func (l *live) stopInformer(sp *space, sc scope) {
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(sc.gvk)
	if err := sp.cache.RemoveInformer(l.ctx, obj); err != nil {
		logr.FromContextOrDiscard(l.ctx).Error(err, "stop watching", "kind", sc.gvk.String(), "namespace", sc.namespace)
	}
	delete(sp.watching, sc.gvk)
}

// watched returns the number of informers running.
func (l *live) watched() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, sp := range l.spaces {
		n += len(sp.watching)
	}
	return n
}

// stop stops every cache and waits for them.
func (l *live) stop() {
	l.retain(nil)
}

func resourceVersion(obj any) string {
	if o, ok := obj.(client.Object); ok {
		return o.GetResourceVersion()
	}
	return ""
}
