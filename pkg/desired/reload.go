package desired

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/gitops-drift/gitops-drift/pkg/gcpace"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// ReloaderOptions configure a Reloader.
type ReloaderOptions struct {
	// Interval is how often the source is polled. Defaults to 2s.
	Interval time.Duration
	// Metrics counts failed fetches and loads, and records the revision in force, the one that
	// failed and the staleness guard. Defaults to nil: none.
	Metrics *metrics.Metrics
	// RetryFailed loads a version that failed to load again at every poll, for a failure
	// that may pass (a kind whose CRD is being installed). Defaults to false: once per
	// version, for a directory whose every change is a new version.
	RetryFailed bool
	// RetryInterval is how often, without RetryFailed, a version that failed to load is
	// loaded again although it has not changed: what it lacked may be in the cluster by then
	// (a CRD installed since). A retry that fails the same way is not reported again.
	// Defaults to five Intervals.
	RetryInterval time.Duration
	// MaxStaleness turns the staleness guard on: when the state in force was last confirmed
	// as the source's latest longer ago than this, Stale says so. Defaults to 0: never stale.
	MaxStaleness time.Duration
	// Clock tells the time of fetches and ticks the polls. Defaults to the real clock.
	Clock clock.WithTicker
	// LoadGCPercent paces the garbage collector (as GOGC does) while a version loads, when it
	// is lower than the process's own setting, which is restored once the load ends. A load
	// compiles each object as it reads it (see Loader.Load), so what it holds live is the
	// state it builds and a few objects in flight; at 10,000 objects (pkg/check
	// BenchmarkLoadPeak) 50 lowers the load's peak heap from about 40 to 25 MB, for about a
	// quarter more CPU time. RecommendedLoadGCPercent is what serve sets. Defaults to 0:
	// the process's setting throughout.
	LoadGCPercent int
	// Pacer sets GOGC for LoadGCPercent. Give the Pacer the process's other paced work
	// shares (the auditor's lists, auditor.Options.Pacer), so that neither restores GOGC
	// while the other runs. Defaults to one of the Reloader's own.
	Pacer *gcpace.Pacer
}

// RecommendedLoadGCPercent is the LoadGCPercent serve sets (unless GOGC is set in its
// environment). Measured at 10,000 objects (pkg/check BenchmarkLoadPeak, alternating runs)
// when a load read every file before compiling: peak heap 108 MB against 147-160 MB at the
// default 100, the load 0.59-0.72 s against 0.47-0.53 s. Since a load compiles each object as
// it reads it, the peak is 25.5 against 40 MB, for about a quarter more CPU; kept, as the
// smaller peak is what a memory limit is sized by. A load happens at start and at each new
// version; the requests the webhook answers meanwhile share the busier collector.
const RecommendedLoadGCPercent = 50

// Reloader keeps a Store in step with a Source. It polls the source; when its version
// changes, it loads the new version in full and swaps it in. A fetch or a load that fails
// leaves the last good state in force, and says so in Err, Status and Stale. It is a
// controller-runtime Runnable; Reload may also be called from any goroutine (a refresh).
type Reloader struct {
	src   Source
	store *Store
	opts  ReloaderOptions
	run   sync.Mutex // one Reload at a time

	mu     sync.Mutex // guards status
	status Status
}

// Status is what a Reloader knows of its source.
type Status struct {
	// Revision is the revision in force.
	Revision string
	// Version identifies the version in force (a directory's fingerprint, a commit hash).
	Version string
	// CurrentAt is when a poll last found the version in force to be the source's latest.
	CurrentAt time.Time
	// FailingSince is when the polls started failing; zero while the latest one succeeded.
	FailingSince time.Time
	// Err is the latest poll's error: a *ReloadError.
	Err error
	// failedVersion is the version that failed to load, not to be loaded again before
	// RetryInterval unless RetryFailed; failedAt is when it was last tried.
	failedVersion string
	failedAt      time.Time
}

// ReloadError is why a poll failed, with the revisions involved.
type ReloadError struct {
	// Fetch is true when the source could not be read (Git unreachable); false when a new
	// version was read but did not load.
	Fetch bool
	// Revision is the revision that failed to load; empty for a fetch.
	Revision string
	// InForce is the revision still in force.
	InForce string
	// Err is the fetch's or the load's error.
	Err error
}

func (e *ReloadError) Error() string {
	if e.Fetch {
		return e.Err.Error()
	}
	if e.Revision == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("revision %s: %v", e.Revision, e.Err)
}

func (e *ReloadError) Unwrap() error { return e.Err }

// NewReloader returns a Reloader of src into store.
func NewReloader(src Source, store *Store, opts ReloaderOptions) *Reloader {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = 5 * opts.Interval
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Pacer == nil {
		opts.Pacer = &gcpace.Pacer{}
	}
	opts.Metrics.SourceStarted()
	return &Reloader{src: src, store: store, opts: opts}
}

// Reload polls the source and loads a new version. A failed fetch is returned at every poll;
// a version that fails to load is returned once (at every poll with RetryFailed), counted in
// gitops_drift_manifest_load_errors_total, and leaves the Store as it was. The error is a
// *ReloadError.
func (r *Reloader) Reload(ctx context.Context) error {
	r.run.Lock()
	defer r.run.Unlock()
	defer r.updateStale()
	now := r.opts.Clock.Now()
	v, err := r.src.Latest(ctx)
	if err != nil {
		r.opts.Metrics.FetchError()
		return r.fail(now, &ReloadError{Fetch: true, InForce: r.Status().Revision, Err: err}, "")
	}
	r.opts.Metrics.Fetched(now)
	st := r.Status()
	switch {
	case r.store.Load() != nil && v.ID == st.Version:
		r.succeed(now, st.Revision, v.ID)
		return nil
	case v.ID == st.failedVersion && !r.opts.RetryFailed && now.Sub(st.failedAt) < r.opts.RetryInterval:
		return nil // reported when it first failed; Err still says so
	}
	release := r.opts.Pacer.Hold(r.opts.LoadGCPercent)
	d, err := r.src.Load(ctx, v)
	release()
	if errors.Is(err, ErrChanged) {
		logr.FromContextOrDiscard(ctx).Info("manifests changed while loading; will load again", logRevision, v.Revision)
		return nil
	}
	if err != nil {
		if retry := v.ID == st.failedVersion && !r.opts.RetryFailed; retry && sameError(st.Err, err) {
			r.fail(now, &ReloadError{Revision: v.Revision, InForce: st.Revision, Err: err}, v.ID)
			return nil // a retry that failed as before: reported when it first failed
		}
		r.opts.Metrics.LoadError()
		r.opts.Metrics.FailedRevision(v.Revision)
		return r.fail(now, &ReloadError{Revision: v.Revision, InForce: st.Revision, Err: err}, v.ID)
	}
	r.store.Set(d)
	returnLoadMemory()
	r.opts.Metrics.Loaded(d.Revision)
	r.opts.Metrics.FailedRevision("")
	r.succeed(now, d.Revision, v.ID)
	logr.FromContextOrDiscard(ctx).Info("desired state loaded", logRevision, d.Revision, logObjects, len(d.Targets))
	return nil
}

// returnLoadMemory collects the load's garbage and the state no longer in force, and returns
// the memory they took to the operating system (debug.FreeOSMemory), once the new state is in
// force. A load's collections pace the heap by the load's own live heap (about twice what
// stays, at 10,000 objects), and a replica at rest allocates little (a poll, fingerprint):
// without a collection here the heap would keep the load's garbage, and the runtime the
// memory of the load's peak, until requests and polls had allocated enough for the next
// collection. It costs a collection of the heap (tens of ms at 10,000 objects) per load.
func returnLoadMemory() { debug.FreeOSMemory() }

func (r *Reloader) succeed(now time.Time, revision, version string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = Status{Revision: revision, Version: version, CurrentAt: now}
}

func (r *Reloader) fail(now time.Time, err *ReloadError, version string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.status.FailingSince.IsZero() {
		r.status.FailingSince = now
	}
	r.status.Err = err
	if version != "" {
		r.status.failedVersion, r.status.failedAt = version, now
	}
	return err
}

// sameError reports whether the load error err says what the *ReloadError prev says.
func sameError(prev, err error) bool {
	var re *ReloadError
	return errors.As(prev, &re) && !re.Fetch && re.Err.Error() == err.Error()
}

// Status returns what the Reloader knows of its source. It is safe to call from any
// goroutine.
func (r *Reloader) Status() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Err returns the latest poll's error while polls fail (the Store then holds the last good
// state, which may be behind the source), and nil once one succeeds. The auditor does not
// remediate while it is set. It is safe to call from any goroutine.
func (r *Reloader) Err() error {
	if err := r.Status().Err; err != nil {
		return err
	}
	return nil
}

// Stale tells whether the state in force was last confirmed as the source's latest longer
// ago than MaxStaleness, and why: the webhook then warns instead of denying.
func (r *Reloader) Stale() (string, bool) {
	if r.opts.MaxStaleness <= 0 {
		return "", false
	}
	st := r.Status()
	now := r.opts.Clock.Now()
	if st.CurrentAt.IsZero() || now.Sub(st.CurrentAt) <= r.opts.MaxStaleness {
		return "", false
	}
	var re *ReloadError
	switch {
	case errors.As(st.Err, &re) && re.Fetch:
		return "Git could not be reached since " + stamp(st.FailingSince), true
	case errors.As(st.Err, &re):
		return "Git's revision " + re.Revision + " has not loaded since " + stamp(st.FailingSince), true
	}
	return "Git has not been fetched since " + stamp(st.CurrentAt), true
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Fresh is a health check (a controller-runtime healthz.Checker) that fails while Stale.
func (r *Reloader) Fresh(*http.Request) error {
	if reason, stale := r.Stale(); stale {
		return errors.New(reason)
	}
	return nil
}

func (r *Reloader) updateStale() {
	_, stale := r.Stale()
	r.opts.Metrics.Stale(stale)
}

// Start polls every Interval until ctx ends. Failures are logged with the revision that
// failed and the one still in force; the last good state stays in force.
func (r *Reloader) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx)
	t := r.opts.Clock.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C():
		}
		if err := r.Reload(ctx); err != nil {
			LogReloadError(log, err)
		}
	}
}

// LogReloadError logs a failed poll: the error, the revision that failed and the one still
// in force.
func LogReloadError(log logr.Logger, err error) {
	var re *ReloadError
	if !errors.As(err, &re) {
		log.Error(err, "manifests did not load; keeping the last good desired state")
		return
	}
	if re.Fetch {
		log.Error(re.Err, "source could not be fetched; keeping the last good desired state", logRevision, re.InForce)
		return
	}
	log.Error(re.Err, "manifests did not load; keeping the last good desired state", logFailedRevision, re.Revision, logRevision, re.InForce)
}

// NeedLeaderElection tells the controller-runtime Manager that every replica reloads.
func (r *Reloader) NeedLeaderElection() bool { return false }
