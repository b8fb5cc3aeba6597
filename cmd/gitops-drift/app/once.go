package app

import (
	"context"
	"os"
	"runtime/debug"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
)

// onceReader reads the live objects of a --once check: it starts reading as soon as the
// manifests are read (the Loader's Read), so that they arrive while the last of them
// compile, and notes when the check got them, where its diff starts.
type onceReader struct {
	*cluster.Reader
	// fetched is when Fetch returned.
	fetched time.Time
	// firsts holds, per kind and namespace, the first object read there, until a second
	// starts its LIST (each): read by the load's goroutine alone.
	firsts map[scopeKey]*unstructured.Unstructured
}

// scopeKey is a kind and a namespace, one LIST of the Reader.
type scopeKey struct {
	apiVersion, kind, namespace string
}

// reader returns the check's onceReader. A check that may write (remediation) reads whole
// objects; one that only reports reads managedFields' field sets compacted, and no status.
func (c *checker) reader(writes bool) *onceReader {
	return &onceReader{Reader: c.client.NewReader(cluster.ReaderOptions{CompactManagedFields: !writes, DropStatus: !writes})}
}

// start starts reading the live copies of the objects the check will ask for (those whose
// policy does not skip them, as check.Run asks), as soon as the manifests are read. A large
// set gives the collector back its default (see oneShotGC).
func (r *onceReader) start(ctx context.Context, read desired.Manifests) {
	if read.Len > gcSmallSet && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	r.Start(ctx, read.Compared)
}

// each starts the LIST of a kind and namespace when a second object of it is read, so that
// the LISTs run while the rest of the manifests are read and compiled rather than after: the
// Reader LISTs a kind and namespace with more than one object and GETs a lone one, so the
// request started here is the one start and Fetch ask for. A lone object's GET waits for
// start.
func (r *onceReader) each(ctx context.Context, id *unstructured.Unstructured) {
	k := scopeKey{id.GetAPIVersion(), id.GetKind(), id.GetNamespace()}
	first, seen := r.firsts[k]
	switch {
	case !seen:
		if r.firsts == nil {
			r.firsts = map[scopeKey]*unstructured.Unstructured{}
		}
		r.firsts[k] = id
	case first != nil:
		r.Start(ctx, []*unstructured.Unstructured{first, id})
		r.firsts[k] = nil // started
	}
}

// Fetch returns the live copies of desired and notes when.
func (r *onceReader) Fetch(ctx context.Context, desired []*unstructured.Unstructured) []cluster.Live {
	lives := r.Reader.Fetch(ctx, desired)
	r.fetched = time.Now()
	return lives
}

// The collector's settings of --once. A check that runs once and exits allocates most of
// what it will hold within a few hundred milliseconds; at the default GOGC=100 the collector
// runs again and again while the heap grows from a few megabytes, for a fifth of the
// process's CPU at 1,000 objects. oneShotGC sets GOGC=400 (measured at 1,000 objects: CPU
// 0.22 s rather than 0.27 s, peak RSS 147 MB rather than 126 MB); for a set of more than
// gcSmallSet objects start sets the default back, since a heap of five times the live one
// would be hundreds of megabytes (at 10,000 objects, 780 MB rather than 596 MB). A GOGC in
// the environment wins over both.
const (
	onceGCPercent    = 400
	defaultGCPercent = 100
	gcSmallSet       = 2000
)

// oneShotGC sets the collector for --once, unless GOGC is set.
func oneShotGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(onceGCPercent)
	}
}
