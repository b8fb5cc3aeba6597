package auditor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/events"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/gcpace"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
)

// DesiredStore holds the desired state the auditor checks against: the last manifest set that
// loaded cleanly. desired.Store is one, kept in step with Git by desired.Reloader.
type DesiredStore interface {
	Load() *check.Desired
}

// Options configure an Auditor.
type Options struct {
	// Interval is the time between full audits. Defaults to 60s.
	Interval time.Duration
	// Debounce is how long a watch event on a tracked object waits before the object is
	// checked again, so that a burst of changes is checked once. Defaults to 200ms.
	Debounce time.Duration
	// Remediator repairs drifted and missing objects whose remediation policy allows it.
	// Defaults to nil: drift is reported, as "drift-detected (dry-run)", and never written.
	Remediator check.Remediator
	// RemediationQPS bounds the remediation writes per second (a token bucket with a burst of
	// the same size, at least 1). Defaults to 5.
	RemediationQPS float64
	// FieldManager is the Remediator's field manager: its entries in managedFields tell the
	// auditor when it last wrote an object. Defaults to "gitops-drift".
	FieldManager string
	// ContestedBackoff is how long the auditor waits, after a write, before it writes a
	// contested object again (one whose repaired drift came back); the wait doubles at each
	// write, up to ContestedBackoffMax. Defaults to 10s.
	ContestedBackoff time.Duration
	// ContestedBackoffMax is the longest wait between two writes of a contested object.
	// Defaults to 10m.
	ContestedBackoffMax time.Duration
	// Clock tells the time of the contested backoff and fires its delayed checks. Defaults to
	// the real clock; tests pass a fake one.
	Clock clock.WithDelayedExecution
	// History tells a restarted or newly elected auditor what it did before: an object it
	// wrote within an audit interval, whose drift is back, is contested at once. Defaults to
	// nil: contests are learnt again from the drift coming back after a first write.
	History History
	// ReloadErr returns the error of the latest manifest reload while it fails. Drift is then
	// checked against the last good state and reported, never remediated. Defaults to nil:
	// reloads never fail.
	ReloadErr func() error
	// SyncTimeout is how long a new informer may take to list its objects before they are
	// reported as errors. Defaults to 30s.
	SyncTimeout time.Duration
	// ListGCPercent paces the garbage collector (as GOGC does) while new informers list their
	// objects, when it is lower than the process's own setting, which is restored once they
	// have listed. A list decodes every object of its kind and namespace, Helm release Secrets
	// of hundreds of KB among them, and keeps a projection or a stub of each: it allocates many
	// times what it keeps, and at GOGC=100 the heap grows to twice what is live before each
	// collection. RecommendedListGCPercent is what serve sets. Defaults to 0: the process's
	// setting throughout.
	ListGCPercent int
	// Pacer sets GOGC for ListGCPercent. Give it the Pacer the process's other paced work
	// shares (a Reloader's loads, desired.ReloaderOptions.Pacer), so that neither restores
	// GOGC while the other runs. Defaults to one of the auditor's own.
	Pacer *gcpace.Pacer
	// Cache is the base of the informer caches' options: Scheme, Mapper and HTTPClient (a
	// Manager's). The auditor sets the namespaces, the transform and
	// ReaderFailOnMissingInformer. Defaults to building them from the rest.Config.
	Cache cache.Options
	// Recorder records the Kubernetes Events. Defaults to nil: no Events.
	Recorder events.EventRecorder
	// Metrics records the drift gauges, audit durations and remediations. Defaults to nil.
	Metrics *metrics.Metrics
	// PolicyReports, when set, is the API of the policy reports written after each full
	// audit: a report per namespace and a cluster report (see pkg/policyreport). Defaults to
	// "": none.
	PolicyReports policyreport.API
	// Log receives the audit log: a line per drifted resource per audit and a summary.
	// Defaults to the logger of Start's context.
	Log logr.Logger
	// Admissions reads the records of who made the admitted changes (DriftAdmitted Events,
	// from the webhook of any replica): each drifted field's owner then names the person
	// behind it, in the audit log, the Events and the policy reports. Defaults to nil: the
	// owners name managers only.
	Admissions AdmissionRecords
}

// RecommendedListGCPercent is the ListGCPercent serve sets (unless GOGC is set in its
// environment). BenchmarkAuditCycle (tracked objects and as many untracked ones, Helm release
// Secrets among them) with GOGC set for the whole run, at 10,000 objects: peak resident memory
// while the manifests compile and the informers list 223-226 MB at 100, 176-178 MB at 50,
// 162 MB at 35, 151 MB at 25, the live heap after the lists 43 MB at each. With serve's pacing
// (loads at desired.RecommendedLoadGCPercent, lists at this) against GOGC=100 throughout, one
// test binary, alternating: at 10,000, 216 → 153-155 MB while setting up and 175 → 147 MB over
// the audits, the audits as fast, the setup's CPU a fifth more; at 100,000, 1,449 → 1,034 MB
// and 1,000 → 790 MB, the setup 57 → 79 s on two cores.
const RecommendedListGCPercent = 25

// paceList lowers GOGC to ListGCPercent until release is called (see Options.ListGCPercent).
func (a *Auditor) paceList() (release func()) { return a.opts.Pacer.Hold(a.opts.ListGCPercent) }

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = time.Minute
	}
	if o.Debounce <= 0 {
		o.Debounce = 200 * time.Millisecond
	}
	if o.RemediationQPS <= 0 {
		o.RemediationQPS = 5
	}
	if o.FieldManager == "" {
		o.FieldManager = defaultFieldManager
	}
	if o.ContestedBackoff <= 0 {
		o.ContestedBackoff = 10 * time.Second
	}
	if o.ContestedBackoffMax < o.ContestedBackoff {
		o.ContestedBackoffMax = max(o.ContestedBackoff, 10*time.Minute)
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.ReloadErr == nil {
		o.ReloadErr = func() error { return nil }
	}
	if o.SyncTimeout <= 0 {
		o.SyncTimeout = 30 * time.Second
	}
	if o.Pacer == nil {
		o.Pacer = &gcpace.Pacer{}
	}
	return o
}

// defaultFieldManager is pkg/remediate's field manager.
const defaultFieldManager = "gitops-drift"

// item is a unit of the auditor's work: a full audit, or one object to check again.
type item struct {
	full bool
	key  manifest.Key
}

var fullAudit = item{full: true}

// Auditor checks the cluster against the desired state, every Interval and whenever a tracked
// object changes, from informers. It logs drift, records Events and metrics, and, with a
// Remediator, repairs drift. It is a controller-runtime Runnable that needs leader election:
// with several replicas, only the leader audits.
//
// Start may be called again once it has returned, never twice at once: serve runs the same
// Auditor at each term of leadership. Each run starts informer caches of its own, which list
// again before anything is judged; what earlier runs reported and wrote (the ledger, the
// contests) carries over.
type Auditor struct {
	cfg   *rest.Config
	store DesiredStore
	opts  Options
	rem   check.Remediator // opts.Remediator behind the rate limit; nil without one
	// reports writes the policy reports: set by Start with PolicyReports.
	reports *policyReports

	log logr.Logger
	// Set by Start, used by its one worker goroutine only.
	live     *live
	queue    workqueue.TypedDelayingInterface[item]
	contests *contests
	state    *state // of the desired state last checked (see track)
	hash     hasher
	seq      int
	people   people // the admission records of drifted objects (people.go)
}

var _ manager.LeaderElectionRunnable = (*Auditor)(nil)

// New returns an Auditor of the desired state in store, reading the cluster of cfg.
func New(cfg *rest.Config, store DesiredStore, opts Options) *Auditor {
	opts = opts.withDefaults()
	a := &Auditor{cfg: cfg, store: store, opts: opts, log: opts.Log, hash: newHasher(),
		contests: newContests(opts.ContestedBackoff, opts.ContestedBackoffMax)}
	if opts.Remediator != nil {
		burst := max(1, int(opts.RemediationQPS))
		a.rem = &gate{a: a, rem: opts.Remediator, limiter: rate.NewLimiter(rate.Limit(opts.RemediationQPS), burst)}
	}
	return a
}

// NeedLeaderElection tells the Manager to run the auditor on the leader only.
func (a *Auditor) NeedLeaderElection() bool { return true }

// Start audits until ctx ends: at once, every Interval, when the desired state changes, and for
// each watch event on a tracked object. An audit in progress when ctx ends stops without
// reporting. Every run watches through new informer caches: the first audit waits for them to
// list (at most SyncTimeout), so that nothing is judged, or repaired, from what an earlier run
// saw. Start returns nil once its goroutines and caches have stopped, with the drift gauges
// removed: a replica that does not audit exports none.
func (a *Auditor) Start(ctx context.Context) error {
	if a.log.GetSink() == nil {
		a.log = logr.FromContextOrDiscard(ctx)
	}
	ctx = logr.NewContext(ctx, a.log)
	q := workqueue.NewTypedDelayingQueue[item]()
	a.queue = q
	a.contests.unqueue() // the checks the last run queued went with its queue
	a.live = newLive(ctx, a.cfg, a.opts.Cache, a.opts.SyncTimeout, a.opts.FieldManager, a.changed)
	a.live.pace = a.paceList
	defer a.opts.Metrics.ClearAudit()
	defer a.live.stop()
	defer a.startReports(ctx)()
	var scheduler sync.WaitGroup
	defer scheduler.Wait()
	scheduler.Go(func() { a.schedule(ctx, q) })
	defer context.AfterFunc(ctx, q.ShutDown)()
	a.log.Info("auditor started", "interval", a.opts.Interval.String(), "remediation", a.opts.Remediator != nil)
	for a.next(ctx) {
	}
	a.log.Info("auditor stopped")
	return nil
}

// startReports starts the policy reports' writer, with PolicyReports, and returns what waits
// for it to stop once ctx ends.
func (a *Auditor) startReports(ctx context.Context) (wait func()) {
	if a.opts.PolicyReports == "" {
		return func() {}
	}
	p, err := newPolicyReports(a.cfg, a.opts.Cache.HTTPClient, a.opts.PolicyReports, a.opts.Metrics, a.log)
	if err != nil {
		a.log.Error(err, msgReportsFailed, logAPI, a.opts.PolicyReports)
		return func() {}
	}
	a.reports = p
	go p.run(ctx)
	return p.wait
}

// schedule queues a full audit on q now, every Interval, and when the desired state changes
// (it is looked at every second), until ctx ends.
func (a *Auditor) schedule(ctx context.Context, q workqueue.TypedDelayingInterface[item]) {
	q.Add(fullAudit)
	every := time.NewTicker(a.opts.Interval)
	defer every.Stop()
	poll := time.NewTicker(min(time.Second, a.opts.Interval))
	defer poll.Stop()
	seen := a.store.Load()
	for {
		select {
		case <-ctx.Done():
			return
		case <-every.C:
			q.Add(fullAudit)
		case <-poll.C:
			if d := a.store.Load(); d != seen {
				seen = d
				q.Add(fullAudit)
			}
		}
	}
}

// next does the next item of work; it returns false once the queue is shut down.
func (a *Auditor) next(ctx context.Context) bool {
	it, shutdown := a.queue.Get()
	if shutdown {
		return false
	}
	defer a.queue.Done(it)
	switch {
	case ctx.Err() != nil:
	case it.full:
		a.audit(ctx)
	default:
		a.recheck(ctx, it.key)
	}
	return true
}

// changed is told of a watch event on an object of kind gvk: a tracked object is queued to be
// checked again after Debounce. It runs on the informers' goroutines.
func (a *Auditor) changed(gvk schema.GroupVersionKind, obj any) {
	if tomb, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	o, ok := obj.(client.Object)
	if !ok {
		return
	}
	key := manifest.Key{Group: gvk.Group, Kind: gvk.Kind, Namespace: o.GetNamespace(), Name: o.GetName()}
	d := a.store.Load()
	if d == nil {
		return
	}
	if t, ok := d.Lookup(key); ok && !t.Policy.Skip {
		a.queue.AddAfter(item{key: key}, a.opts.Debounce)
	}
}

// recheckAt queues a check of key at time at of the Clock, once per time.
func (a *Auditor) recheckAt(key manifest.Key, at time.Time) {
	c := a.contests.m[key]
	if c == nil || c.queued.Equal(at) || a.queue == nil {
		return
	}
	c.queued = at
	q := a.queue // this run's: a later run queues its own checks (see contests.unqueue)
	a.opts.Clock.AfterFunc(at.Sub(a.opts.Clock.Now()), func() { q.Add(item{key: key}) })
}

// newID returns the ID of a new audit: its start time and a sequence number.
func (a *Auditor) newID(start time.Time) string {
	a.seq++
	return fmt.Sprintf("%s-%d", start.UTC().Format("20060102T150405.000Z"), a.seq)
}
