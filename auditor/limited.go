package auditor

import (
	"context"
	"fmt"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// limited is a Remediator that waits for a token of its rate limiter before each write, and
// hands the Remediator its own copy of the live object: the one read from the cache is shared.
type limited struct {
	rem     check.Remediator
	limiter *rate.Limiter
}

func (l *limited) Remediate(ctx context.Context, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	if err := l.limiter.Wait(ctx); err != nil {
		return check.Remediation{}, fmt.Errorf("wait for the remediation rate limit: %w", err)
	}
	if live != nil {
		live = live.DeepCopy()
	}
	return l.rem.Remediate(ctx, t, live)
}
