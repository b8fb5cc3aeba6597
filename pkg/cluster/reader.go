package cluster

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

// ReaderOptions tune a Reader.
type ReaderOptions struct {
	// Concurrency is how many LISTs and GETs are in flight at once. Defaults to 4.
	Concurrency int
	// CompactManagedFields keeps the field set of each managedFields entry of an object read
	// as protobuf as its JSON text, a string, rather than a tree of maps: the form
	// ownership.Compact gives them, which pkg/ownership reads as well, several times cheaper
	// to build. The objects are then not the API's form, and must not be sent back to the
	// server: set it only for a check that writes nothing. Defaults to false.
	CompactManagedFields bool
	// DropStatus leaves out each object's status, which no comparison reads (pkg/diff never
	// compares it): an object read as protobuf is converted to maps without it, the largest
	// part of a running workload's object after its spec. Like CompactManagedFields, set it
	// only for a check that writes nothing. Defaults to false.
	DropStatus bool
}

// Reader reads the live copies of desired objects as Client.Fetch does, one LIST per kind and
// namespace that several objects share and a GET for a lone object, with the same results
// and errors, but faster:
//   - its requests run concurrently (ReaderOptions.Concurrency);
//   - the kinds of client-go's scheme are read as protobuf into their Go types, then
//     converted to the JSON form the diff reads, when the server is not newer than those
//     types (see protobufReader); other kinds, custom resources among them, as JSON;
//   - Start begins reading before the caller asks: the --once check starts as soon as the
//     manifests are read, and they compile meanwhile.
//
// A Reader is safe for concurrent use; what Start read is handed out once, to the next Fetch
// that asks for it.
type Reader struct {
	client *Client
	opts   ReaderOptions
	proto  *protobufReader // nil: JSON only
	slots  chan struct{}

	mu      sync.Mutex
	started map[request]*reading
}

// request is one read: the LIST of a kind in a namespace ("" when cluster-scoped), or, with
// a name, the GET of one object.
type request struct {
	gvk       schema.GroupVersionKind
	namespace string
	name      string
}

// reading is a request under way, or done once done is closed.
type reading struct {
	done   chan struct{}
	byName map[string]*unstructured.Unstructured // a LIST's objects
	obj    *unstructured.Unstructured            // a GET's object; nil when absent
	err    error                                 // what Fetch reports for each of its objects
}

// NewReader returns a Reader of c's server.
func (c *Client) NewReader(opts ReaderOptions) *Reader {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	return &Reader{
		client:  c,
		opts:    opts,
		proto:   newProtobufReader(c, opts),
		slots:   make(chan struct{}, opts.Concurrency),
		started: map[request]*reading{},
	}
}

var _ interface {
	Fetch(context.Context, []*unstructured.Unstructured) []Live
} = (*Reader)(nil)

// Start starts reading, in the background, what Fetch of desired will need, and returns at
// once. The reads use ctx.
func (r *Reader) Start(ctx context.Context, desired []*unstructured.Unstructured) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range batches(desired) {
		req := b.request(desired)
		if _, ok := r.started[req]; !ok {
			r.started[req] = r.read(ctx, req)
		}
	}
}

// Fetch returns the live copy of each desired object, in the same order, as Client.Fetch
// does. It uses what Start began for the same requests, and reads the rest now.
func (r *Reader) Fetch(ctx context.Context, desired []*unstructured.Unstructured) []Live {
	out := make([]Live, len(desired))
	bs := batches(desired)
	readings := make([]*reading, len(bs))
	r.mu.Lock()
	for i, b := range bs {
		req := b.request(desired)
		if rd, ok := r.started[req]; ok {
			delete(r.started, req) // handed out once
			readings[i] = rd
			continue
		}
		readings[i] = r.read(ctx, req)
	}
	r.mu.Unlock()
	for i, b := range bs {
		rd := readings[i]
		<-rd.done
		for _, j := range b.index {
			switch {
			case rd.err != nil:
				out[j].Err = rd.err
			case rd.byName != nil:
				out[j].Object = rd.byName[desired[j].GetName()]
			default:
				out[j].Object = rd.obj
			}
		}
	}
	return out
}

// request returns the read of b: a GET for a lone object, a LIST otherwise.
func (b *batch) request(desired []*unstructured.Unstructured) request {
	req := request{gvk: b.gvk, namespace: b.namespace}
	if len(b.index) == 1 {
		req.name = desired[b.index[0]].GetName()
	}
	return req
}

// read starts req and returns its reading.
func (r *Reader) read(ctx context.Context, req request) *reading {
	rd := &reading{done: make(chan struct{})}
	go func() {
		defer close(rd.done)
		select {
		case r.slots <- struct{}{}:
			defer func() { <-r.slots }()
		case <-ctx.Done():
			rd.err = r.failed(req, ctx.Err())
			return
		}
		start := time.Now()
		r.do(ctx, req, rd)
		if req.name != "" {
			timing.Done(ctx, timing.List, start, "kind", req.gvk.Kind, "namespace", req.namespace, "name", req.name)
		} else {
			timing.Done(ctx, timing.List, start, "kind", req.gvk.Kind, "namespace", req.namespace)
		}
	}()
	return rd
}

// do runs req and records its outcome in rd, with Client.Fetch's errors.
func (r *Reader) do(ctx context.Context, req request, rd *reading) {
	m, err := r.client.Mapper.RESTMapping(req.gvk.GroupKind(), req.gvk.Version)
	if err != nil {
		rd.err = fmt.Errorf("map kind %s: %w", req.gvk, err)
		return
	}
	if req.name != "" {
		obj, err := r.get(ctx, m, req)
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			rd.err = r.failed(req, err)
		default:
			rd.obj = obj
		}
		return
	}
	items, err := r.list(ctx, m, req)
	if err != nil {
		rd.err = r.failed(req, err)
		return
	}
	rd.byName = make(map[string]*unstructured.Unstructured, len(items))
	for _, obj := range items {
		rd.byName[obj.GetName()] = obj
	}
}

// failed returns the error Fetch reports for the objects of req when it fails with err.
func (r *Reader) failed(req request, err error) error {
	if req.name != "" {
		return fmt.Errorf("get %s: %w", req.name, err)
	}
	return fmt.Errorf("list %s in %q: %w", req.gvk.Kind, req.namespace, err)
}

// get reads one object, as protobuf if it can.
func (r *Reader) get(ctx context.Context, m *meta.RESTMapping, req request) (*unstructured.Unstructured, error) {
	if obj, ok, err := r.proto.get(ctx, m, req); ok {
		return obj, err
	}
	ri, err := r.client.resource(req.gvk, req.namespace)
	if err != nil {
		return nil, err
	}
	obj, err := ri.Get(ctx, req.name, metav1.GetOptions{})
	if err == nil && r.opts.DropStatus {
		delete(obj.Object, "status")
	}
	return obj, err
}

// list reads the objects of a kind in a namespace, as protobuf if it can.
func (r *Reader) list(ctx context.Context, m *meta.RESTMapping, req request) ([]*unstructured.Unstructured, error) {
	if items, ok, err := r.proto.list(ctx, m, req); ok {
		return items, err
	}
	ri, err := r.client.resource(req.gvk, req.namespace)
	if err != nil {
		return nil, err
	}
	list, err := ri.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	items := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		items[i] = &list.Items[i]
		if r.opts.DropStatus {
			delete(items[i].Object, "status")
		}
	}
	return items, nil
}
