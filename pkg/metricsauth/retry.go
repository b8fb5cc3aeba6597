package metricsauth

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/wait"
)

// retry calls call until it succeeds, fails in a way not worth retrying, or backoff's
// attempts or ctx run out; it returns call's last error first, as k8s.io/apiserver's
// webhook.WithExponentialBackoff does.
func retry(ctx context.Context, backoff wait.Backoff, call func(context.Context) error) error {
	var last error
	err := wait.ExponentialBackoffWithContext(ctx, backoff, func(ctx context.Context) (bool, error) {
		last = call(ctx)
		switch {
		case last == nil:
			return true, nil
		case retriable(last):
			return false, nil
		default:
			return false, last
		}
	})
	switch {
	case last != nil:
		return last
	case err != nil:
		return fmt.Errorf("review call: %w", err)
	}
	return nil
}

// retriable tells the transient errors of a review call, as k8s.io/apiserver's
// webhook.DefaultShouldRetry: a connection reset or lost, a server error or timeout, 429,
// or any answer with Retry-After.
func retriable(err error) bool {
	if utilnet.IsConnectionReset(err) || utilnet.IsHTTP2ConnectionLost(err) ||
		apierrors.IsInternalError(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) {
		return true
	}
	_, ok := apierrors.SuggestsClientDelay(err)
	return ok
}
