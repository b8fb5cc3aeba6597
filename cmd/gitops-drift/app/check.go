package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

// RunCheck connects to the cluster and runs the check once (--once) or every interval until
// ctx ends. At debug level, each phase logs its time (pkg/timing).
func RunCheck(ctx context.Context, streams IOStreams, o *CheckOptions) error {
	start := time.Now()
	log := o.Log.Logger(streams.ErrOut)
	ctx = logr.NewContext(ctx, log)
	cfg, err := o.Config()
	if err != nil {
		return withCode(ExitError, err)
	}
	client, err := cluster.New(cfg)
	if err != nil {
		return withCode(ExitError, err)
	}
	timing.Done(ctx, timing.Connect, start)
	rem, err := o.Remediator(client)
	if err != nil {
		return withCode(ExitError, err)
	}
	c := &checker{opts: o, client: client, schemas: schema.NewResolverForDiscovery(client.Discovery), streams: streams, secretKey: check.NewSecretKey()}
	runner := &check.Runner{Live: client, Options: check.Options{DryRun: o.DryRun, Remediator: rem}}
	lo, err := o.loaderOptions(client, c.schemas, c.keyed)
	if err != nil {
		return withCode(ExitError, err)
	}
	if o.Once {
		oneShotGC()
		c.live = c.reader(rem != nil && !o.DryRun)
		lo.Read, lo.ReadEach = c.live.start, c.live.each
		runner.Live = c.live
	}
	l := desired.NewLoader(lo)
	if o.Git.URL != "" {
		return c.runGit(ctx, runner, l, log)
	}
	c.dir = o.dir(l)
	if o.Once {
		runner.Desired = c.dir.LoadNow
		return c.once(ctx, runner)
	}
	runner.Desired = c.loadOrLast
	return c.loop(ctx, runner, log)
}

// checker runs checks against one cluster.
type checker struct {
	opts    *CheckOptions
	client  *cluster.Client
	schemas *schema.Resolver
	streams IOStreams
	// dir is the --manifests directory; nil with --git-url.
	dir  *desired.DirSource
	last *check.Desired // the last manifest set that loaded cleanly
	// failingSince is when the manifests stopped loading; zero while they load.
	failingSince time.Time
	// staleSince returns failingSince, or the Git source's.
	staleSince func() time.Time
	// secretKey is this process's key of the hashes that stand for Secret values.
	secretKey []byte
	// live reads the live objects of --once; nil in the loop.
	live *onceReader
}

// keyed gives a newly loaded desired state the process's Secret redaction key.
func (c *checker) keyed(_ context.Context, d *check.Desired) {
	d.SetSecretKey(c.secretKey)
}

// runGit checks the desired state of a Git repository: fetched and loaded once before the
// first check (a failure exits 2), then, in a loop, polled every --git-poll-interval in the
// background while the checks use the last good revision.
func (c *checker) runGit(ctx context.Context, runner *check.Runner, l *desired.Loader, log logr.Logger) error {
	src, err := c.opts.sourceOf(l)
	if err != nil {
		return withCode(ExitError, err)
	}
	store := &desired.Store{}
	reloader := desired.NewReloader(src, store, desired.ReloaderOptions{Interval: c.opts.Git.PollInterval, RetryFailed: true})
	if err := reloader.Reload(ctx); err != nil {
		return withCode(ExitError, err)
	}
	runner.Desired = func(context.Context) (*check.Desired, error) { return store.Load(), reloader.Err() }
	if c.opts.Once {
		return c.once(ctx, runner)
	}
	c.staleSince = func() time.Time { return reloader.Status().FailingSince }
	go func() { _ = reloader.Start(ctx) }() // ends with ctx; logs its failures
	return c.loop(ctx, runner, log)
}

// loadOrLast loads the --manifests directory as it is now and remembers it; when it does not
// load, it returns the last set that did (nil before the first) with the error: the Runner
// checks it without remediating.
func (c *checker) loadOrLast(ctx context.Context) (*check.Desired, error) {
	d, err := c.dir.LoadNow(ctx)
	if err != nil {
		if c.failingSince.IsZero() {
			c.failingSince = time.Now()
		}
		return c.last, err
	}
	c.last, c.failingSince = d, time.Time{}
	return d, nil
}

func (c *checker) write(r report.Report) error {
	switch c.opts.Output {
	case "json":
		return report.JSON(c.streams.Out, r)
	case "markdown":
		return report.Markdown(c.streams.Out, r)
	}
	return report.Text(c.streams.Out, r)
}

// once runs one check and maps its outcome to the exit code. Manifests that do not load
// cleanly end it before any API call that could write.
func (c *checker) once(ctx context.Context, runner *check.Runner) error {
	r, err := runner.RunOnce(ctx)
	if err != nil {
		return withCode(ExitError, err)
	}
	if c.live != nil && !c.live.fetched.IsZero() {
		timing.Done(ctx, timing.Diff, c.live.fetched)
	}
	c.attribute(ctx, &r)
	start := time.Now()
	if err := c.write(r); err != nil {
		return withCode(ExitError, fmt.Errorf("write report: %w", err))
	}
	timing.Done(ctx, timing.Report, start)
	return outcome(r, c.opts.FailOnDrift)
}

// outcome maps a report to the command's result: resources that could not be checked or
// repaired exit 2; drift with failOnDrift exits 1, even when it was repaired.
func outcome(r report.Report, failOnDrift bool) error {
	if r.Summary.Errors > 0 {
		return withCode(ExitError, fmt.Errorf("%d resource(s) could not be checked", r.Summary.Errors))
	}
	failed := 0
	for _, res := range r.Resources {
		if res.Action == report.ActionRemediationFailed {
			failed++
		}
	}
	if failed > 0 {
		return withCode(ExitError, fmt.Errorf("%d resource(s) could not be remediated", failed))
	}
	if failOnDrift && r.Summary.Drifted+r.Summary.Missing > 0 {
		return errDrift
	}
	return nil
}

// markStale records in r that its revision is the last good one, since when and why.
func (c *checker) markStale(r *report.Report, stale *check.StaleError) {
	since := c.failingSince
	if c.staleSince != nil {
		since = c.staleSince()
	}
	if since.IsZero() {
		return
	}
	since = since.UTC()
	r.StaleSince, r.StaleError = &since, stale.Err.Error()
}

// loop checks every interval until ctx ends. A manifest set that fails to load is logged and
// the last good one stays in force for the report, but nothing is remediated from it until
// the manifests load again: Git has moved on to a state that cannot be read. Errors never end
// the loop.
func (c *checker) loop(ctx context.Context, runner *check.Runner, log logr.Logger) error {
	t := time.NewTicker(c.opts.Interval)
	defer t.Stop()
	for {
		r, err := runner.RunOnce(ctx)
		var stale *check.StaleError
		switch {
		case errors.As(err, &stale):
			c.markStale(&r, stale)
			log.Error(stale.Err, "manifests did not load; keeping the last good set, without remediation", "manifests", c.opts.where(), "revision", r.Revision)
		case err != nil:
			log.Error(err, "manifests did not load", "manifests", c.opts.where())
		}
		if err == nil || stale != nil {
			c.attribute(ctx, &r)
			if err := c.write(r); err != nil {
				log.Error(err, "write report")
			}
			log.Info("check done", "revision", r.Revision, "resources", r.Summary.Resources, "drifted", r.Summary.Drifted, "missing", r.Summary.Missing, "errors", r.Summary.Errors)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
