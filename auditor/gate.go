package auditor

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
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
	if err := a.contests.before(t.Key, now,
		func() string { return contester(t, live, a.opts.FieldManager) },
		func() (string, bool) { return learnContest(t, live, a.opts.FieldManager, a.opts.Interval) },
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
	if err == nil && (res.Created || len(res.Fields) > 0) {
		a.contests.wrote(t.Key, a.opts.Clock.Now())
	}
	return res, err
}
