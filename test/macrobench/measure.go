package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// measure runs every phase the options ask for.
func measure(ctx context.Context, o *options, progress io.Writer) (*results, error) {
	res := &results{started: time.Now()}
	work, err := os.MkdirTemp("", "gitops-drift-macrobench-")
	if err != nil {
		return nil, fmt.Errorf("create work dir: %w", err)
	}
	defer os.RemoveAll(work)
	for i, n := range o.sizes {
		reps := o.reps[min(i, len(o.reps)-1)]
		if err := withServer(func(env *kubeenv.Env) error {
			return measureSize(ctx, o, env, filepath.Join(work, fmt.Sprint(n)), n, reps, res, progress)
		}); err != nil {
			return nil, fmt.Errorf("at N = %d: %w", n, err)
		}
		if o.hold {
			res.took = time.Since(res.started)
			return res, nil
		}
	}
	for _, n := range o.footprintSizes {
		if slices.Contains(o.sizes, n) {
			continue // measured with its size's comparison
		}
		fmt.Fprintf(progress, "N = %d: a webhook-only replica's memory (corpus written, not created)\n", n)
		if err := withServer(func(env *kubeenv.Env) error {
			dir := filepath.Join(work, fmt.Sprint(n))
			if err := newCorpus(n, o.driftEvery, fmt.Sprintf("bench-%d", n)).write(dir); err != nil {
				return err
			}
			fs, err := footprints(ctx, o, work, dir, env.Kubeconfig, n)
			res.footprints = append(res.footprints, fs...)
			return err
		}); err != nil {
			return nil, fmt.Errorf("footprint at N = %d: %w", n, err)
		}
	}
	for _, run := range memoryRuns(o) {
		fmt.Fprintf(progress, "auditor from memory, N = %d %s\n", run.n, run.limit)
		a, err := auditMemory(ctx, o, run.n, run.limit)
		if err != nil {
			return nil, err
		}
		res.audits = append(res.audits, a)
	}
	if o.rate > 0 {
		fmt.Fprintf(progress, "admission: %d requests/s for %s, without then with the webhook\n", o.rate, o.duration)
		if err := withServer(func(env *kubeenv.Env) error {
			a, err := admission(ctx, o, env, work)
			res.admission = &a
			return err
		}); err != nil {
			return nil, fmt.Errorf("admission: %w", err)
		}
	}
	res.took = time.Since(res.started)
	return res, nil
}

// memoryRun is one run of the in-memory audit benchmark.
type memoryRun struct {
	n     int
	limit string // GOMEMLIMIT, or none
}

// memoryRuns are the in-memory audit runs: each size, then the largest again with the
// memory limit.
func memoryRuns(o *options) []memoryRun {
	var runs []memoryRun
	for _, n := range o.memorySizes {
		runs = append(runs, memoryRun{n: n})
	}
	if o.memoryLimit != "" && len(runs) > 0 {
		runs = append(runs, memoryRun{n: slices.Max(o.memorySizes), limit: o.memoryLimit})
	}
	return runs
}

// withServer runs do with a fresh API server, whose Service range holds the corpus' 2,000
// ClusterIP Services at N = 10,000 (envtest's default /24 holds 254).
func withServer(do func(env *kubeenv.Env) error) error {
	env, err := kubeenv.Start(kubeenv.Options{ServiceCIDR: "10.96.0.0/16"})
	if err != nil {
		return err
	}
	return errors.Join(do(env), env.Stop())
}

// measureSize populates a corpus of n objects, compares the tools over it, and audits it if
// n is one of the audit sizes.
func measureSize(ctx context.Context, o *options, env *kubeenv.Env, dir string, n, reps int, res *results, progress io.Writer) error {
	c := newCorpus(n, o.driftEvery, fmt.Sprintf("bench-%d", n))
	if err := c.write(dir); err != nil {
		return err
	}
	fmt.Fprintf(progress, "N = %d: creating %d objects (%d drifted)\n", n, len(c.objects), len(c.drifted))
	start := time.Now()
	if err := populate(ctx, env.Config, c); err != nil {
		return err
	}
	fmt.Fprintf(progress, "N = %d: created in %s; %d rounds of %d tools\n", n, time.Since(start).Round(time.Millisecond), reps, len(tools(o, env.Kubectl)))
	var want []string
	for k := range c.drifted {
		want = append(want, k)
	}
	slices.Sort(want)
	cmp, err := compareTools(ctx, tools(o, env.Kubectl), dir, env.Kubeconfig, reps, want)
	if err != nil {
		return err
	}
	cmp.n = n
	res.comparisons = append(res.comparisons, cmp)
	if o.hold {
		var b strings.Builder
		writeComparisons(&b, o, []comparison{cmp})
		fmt.Fprintf(progress, "%s\nN = %d: holding until interrupted; the corpus is in %s\nexport KUBECONFIG=%s\n", b.String(), n, dir, env.Kubeconfig)
		<-ctx.Done()
		return nil
	}
	if slices.Contains(o.footprintSizes, n) {
		fmt.Fprintf(progress, "N = %d: a webhook-only replica's memory\n", n)
		fs, err := footprints(ctx, o, filepath.Dir(dir), dir, env.Kubeconfig, n)
		res.footprints = append(res.footprints, fs...)
		if err != nil {
			return err
		}
	}
	if !slices.Contains(o.auditSizes, n) {
		return nil
	}
	fmt.Fprintf(progress, "N = %d: auditing with serve\n", n)
	a, err := auditReal(ctx, o, dir, env.Kubeconfig, n)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	res.audits = append(res.audits, a)
	return nil
}
