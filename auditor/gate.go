package auditor

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// gate is the Remediator the auditor's checks use: it backs off from contested objects (see
// contests), waits for a token of the rate limiter before each write, and hands the
// Remediator the whole object, read from the API server (the cache holds projections, which
// replace's carry list, say, cannot build a body from). It runs on the auditor's worker only.
type gate struct {
	a       *Auditor
	rem     check.Remediator
	limiter *rate.Limiter
	// reader reads whole objects; built on first use from the auditor's rest.Config and
	// cache options.
	reader client.Reader
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
		var err error
		if live, err = g.whole(ctx, t); err != nil {
			return check.Remediation{}, err
		}
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

// whole reads the object of t from the API server; nil when it does not exist (any more).
func (g *gate) whole(ctx context.Context, t *check.Target) (*unstructured.Unstructured, error) {
	if g.reader == nil {
		o := g.a.opts.Cache
		c, err := client.New(g.a.cfg, client.Options{HTTPClient: o.HTTPClient, Scheme: o.Scheme, Mapper: o.Mapper})
		if err != nil {
			return nil, fmt.Errorf("client to read objects before writing them: %w", err)
		}
		g.reader = c
	}
	obj := &unstructured.Unstructured{}
	obj.SetGroupVersionKind(t.GVK)
	err := g.reader.Get(ctx, client.ObjectKey{Namespace: t.Key.Namespace, Name: t.Key.Name}, obj)
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read %s before writing it: %w", t.Key, err)
	}
	return obj, nil
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
