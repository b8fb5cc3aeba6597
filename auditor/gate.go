package auditor

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// gate is the Remediator the auditor's checks use: it backs off from contested objects (see
// contests), waits for a token of the rate limiter before each write, and hands the
// Remediator its own copy of the live object (the one read from the cache is shared). It runs
// on the auditor's worker only.
type gate struct {
	a       *Auditor
	rem     check.Remediator
	limiter *rate.Limiter
}

func (g *gate) Remediate(ctx context.Context, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	a := g.a
	now := a.opts.Clock.Now()
	if err := a.contests.before(t.Key, now, driftPaths(t, live),
		func() string { return contester(t, live, a.opts.FieldManager) },
		func() (string, bool) { return a.learnContest(ctx, t, live, now) },
	); err != nil {
		a.recheckAt(t.Key, err.Retry)
		return check.Remediation{}, err
	}
	if err := g.limiter.Wait(ctx); err != nil {
		return check.Remediation{}, fmt.Errorf("wait for the remediation rate limit: %w", err)
	}
	if live != nil {
		live = live.DeepCopy()
	}
	res, err := g.rem.Remediate(ctx, t, live)
	switch {
	case err != nil:
	case res.Created:
		a.contests.wrote(t.Key, a.opts.Clock.Now(), []string{missingDrift})
	case len(res.Fields) > 0:
		a.contests.wrote(t.Key, a.opts.Clock.Now(), paths(res.Fields))
	}
	return res, err
}

// driftPaths returns what drifts in live against t: the drifted paths, or missingDrift.
func driftPaths(t *check.Target, live *unstructured.Unstructured) []string {
	if live == nil {
		return []string{missingDrift}
	}
	return paths(t.Compare(live.Object))
}

func paths(fields []diff.Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}
