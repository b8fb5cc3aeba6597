package metricsauth

import (
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/clock"
)

// Options tune the filter. The zero value is what k8s.io/apiserver's delegating
// authenticator and authorizer use, as controller-runtime configures them.
type Options struct {
	// TokenTTL is how long a TokenReview's answer is kept for its token, authenticated or
	// not (an answer carrying an error is not kept). Defaults to 1 minute.
	TokenTTL time.Duration
	// AllowTTL is how long an allowing SubjectAccessReview's answer is kept. Defaults to
	// 5 minutes.
	AllowTTL time.Duration
	// DenyTTL is how long a SubjectAccessReview's refusal is kept. Defaults to 30 seconds.
	DenyTTL time.Duration
	// CacheSize bounds each of the two caches (tokens, decisions); the least recently used
	// entry goes first. Defaults to 1024.
	CacheSize int
	// Timeout bounds one review, retries included, within the request's own context.
	// Defaults to 10 seconds.
	Timeout time.Duration
	// Backoff spaces the retries of a review call that failed in a way worth retrying
	// (connection lost, timeout, 429, 500, Retry-After). Defaults to 500ms, factor 1.5,
	// jitter 0.2, 5 attempts.
	Backoff wait.Backoff
	// Clock tells the caches the time. Defaults to the real clock.
	Clock clock.PassiveClock
}

// withDefaults returns o with its zero fields set to their defaults.
func (o Options) withDefaults() Options {
	if o.TokenTTL == 0 {
		o.TokenTTL = time.Minute
	}
	if o.AllowTTL == 0 {
		o.AllowTTL = 5 * time.Minute
	}
	if o.DenyTTL == 0 {
		o.DenyTTL = 30 * time.Second
	}
	if o.CacheSize == 0 {
		o.CacheSize = 1024
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Backoff.Steps == 0 {
		o.Backoff = wait.Backoff{Duration: 500 * time.Millisecond, Factor: 1.5, Jitter: 0.2, Steps: 5}
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	return o
}
