package app

import (
	"context"
	"os"
	"runtime/debug"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// onceReader reads the live objects of a --once check: it starts reading as soon as the
// manifests are read (the Loader's Read), so that they arrive while the manifests compile,
// and notes when the check got them, where its diff starts.
type onceReader struct {
	*cluster.Reader
	// fetched is when Fetch returned.
	fetched time.Time
}

// reader returns the check's onceReader. A check that may write (remediation) reads whole
// objects; one that only reports reads managedFields' field sets compacted.
func (c *checker) reader(writes bool) *onceReader {
	return &onceReader{Reader: c.client.NewReader(cluster.ReaderOptions{CompactManagedFields: !writes})}
}

// start starts reading the live copies of the objects of set that the check will ask for:
// those whose policy does not skip them, as check.Run asks. An object whose annotations do
// not parse is left out: its set does not compile. A large set gives the collector back its
// default (see oneShotGC).
func (r *onceReader) start(ctx context.Context, set *manifest.Set) {
	if set.Len() > gcSmallSet && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	objs := set.Objects()
	live := make([]*unstructured.Unstructured, 0, len(objs))
	for _, o := range objs {
		if p, err := policy.FromAnnotations(o.Obj.GetAnnotations()); err == nil && !p.Skip {
			live = append(live, o.Obj)
		}
	}
	r.Start(ctx, live)
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
