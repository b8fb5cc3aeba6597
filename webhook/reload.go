package webhook

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
)

// LoadFunc loads and compiles the desired state. It returns either a complete state or an
// error, never a partial state.
type LoadFunc func() (*check.Desired, error)

// ReloaderOptions configure a Reloader.
type ReloaderOptions struct {
	// Interval is how often the directory is checked for changes. Defaults to 2s.
	Interval time.Duration
	// Metrics counts failed reloads and records the revision in force. Defaults to nil: none.
	Metrics *metrics.Metrics
	// RetryInterval is how often a load that failed is tried again while the directory does
	// not change: what it lacked may be in the cluster by then (a CRD installed since).
	// Defaults to five Intervals.
	RetryInterval time.Duration
}

// Reloader keeps a Store in step with a manifest directory. It polls the directory: when the
// names, sizes, modes or modification times of its files change, it loads the manifests again
// and swaps the new state in. A load that fails, or that raced with further writes, leaves the
// last good state in force; a failed load is tried again every RetryInterval even if the
// directory stays the same. It is a controller-runtime Runnable.
type Reloader struct {
	dir     string
	load    LoadFunc
	store   *Store
	opts    ReloaderOptions
	now     func() time.Time
	last    uint64 // fingerprint of the directory as last loaded (or failed to load)
	tried   bool
	retryAt time.Time // when to try a failed load of an unchanged directory again
	// failed holds the error of the latest load while it is failing; nil once one succeeds.
	failed atomic.Pointer[error]
}

// NewReloader returns a Reloader that loads dir with load into store.
func NewReloader(dir string, load LoadFunc, store *Store, opts ReloaderOptions) *Reloader {
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = 5 * opts.Interval
	}
	return &Reloader{dir: dir, load: load, store: store, opts: opts, now: time.Now}
}

// Reload loads the directory if it changed since the last attempt, or was never loaded, or
// if the last load failed more than RetryInterval ago. A failure is reported once: counted in
// gitops_drift_manifest_load_errors_total and returned; a retry that fails the same way
// returns nil. The Store keeps its state.
func (r *Reloader) Reload(ctx context.Context) error {
	fp, err := fingerprint(r.dir)
	if err != nil {
		return r.fail(fmt.Errorf("read manifest directory: %w", err), fp)
	}
	retry := r.tried && fp == r.last
	if retry && (r.Err() == nil || r.now().Before(r.retryAt)) {
		return nil
	}
	d, err := r.load()
	if err != nil {
		if prev := r.Err(); retry && prev != nil && prev.Error() == err.Error() {
			r.retryAt = r.now().Add(r.opts.RetryInterval)
			return nil // reported when it first failed so
		}
		return r.fail(err, fp)
	}
	if now, err := fingerprint(r.dir); err != nil || now != fp {
		// Files changed while they were read: what was read may be half old, half new.
		// The next poll loads again.
		logr.FromContextOrDiscard(ctx).Info("manifests changed while loading; will load again", "manifests", r.dir)
		return nil
	}
	r.store.Set(d)
	r.last, r.tried = fp, true
	r.failed.Store(nil)
	r.opts.Metrics.Loaded(d.Revision)
	logr.FromContextOrDiscard(ctx).Info("desired state loaded", "manifests", r.dir, "revision", d.Revision, "objects", len(d.Targets))
	return nil
}

func (r *Reloader) fail(err error, fp uint64) error {
	r.last, r.tried = fp, true
	r.retryAt = r.now().Add(r.opts.RetryInterval)
	r.failed.Store(&err)
	r.opts.Metrics.LoadError()
	return err
}

// Err returns the error of the latest load while the manifests fail to load (the Store then
// holds the last good state), and nil once a load succeeds. The auditor does not remediate
// while it is set. It is safe to call from any goroutine.
func (r *Reloader) Err() error {
	if p := r.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// Start reloads every Interval until ctx ends. Failures are logged; the last good state stays
// in force.
func (r *Reloader) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx)
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := r.Reload(ctx); err != nil {
			log.Error(err, "manifests did not load; keeping the last good desired state", "manifests", r.dir)
		}
	}
}

// NeedLeaderElection tells the controller-runtime Manager that every replica reloads.
func (r *Reloader) NeedLeaderElection() bool { return false }

// fingerprint hashes the names, sizes, modes and modification times of the files under dir,
// following symbolic links (a mounted ConfigMap's files are links) and skipping hidden names,
// as manifest.Load does. It reads no file contents.
func fingerprint(dir string) (uint64, error) {
	h := fnv.New64a()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		info, err := os.Stat(p)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // a dangling link: the loader skips it too, or reports it
			}
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00", p, info.Size(), info.Mode(), info.ModTime().UnixNano())
		return nil
	})
	return h.Sum64(), err
}
