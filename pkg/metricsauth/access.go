package metricsauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/cache"
	authzclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
)

// decision is what a SubjectAccessReview said of a request.
type decision struct {
	// Allowed tells whether the request may go on.
	Allowed bool
	// Reason is the review's status.reason.
	Reason string
}

// authorizer authorizes requests to non-resource URLs with SubjectAccessReviews, keeping
// allowing answers for opts.AllowTTL and refusals for opts.DenyTTL.
type authorizer struct {
	reviews authzclient.SubjectAccessReviewInterface
	opts    Options
	cache   *cache.LRUExpireCache
}

func newAuthorizer(reviews authzclient.SubjectAccessReviewInterface, opts Options) *authorizer {
	return &authorizer{reviews: reviews, opts: opts, cache: cache.NewLRUExpireCacheWithClock(opts.CacheSize, opts.Clock)}
}

// authorize returns whether u may verb path; an error when the review could not be made
// or its answer both allows and denies.
func (a *authorizer) authorize(ctx context.Context, u authnv1.UserInfo, verb, path string) (decision, error) {
	spec := authzv1.SubjectAccessReviewSpec{
		User:                  u.Username,
		UID:                   u.UID,
		Groups:                u.Groups,
		Extra:                 sarExtra(u.Extra),
		NonResourceAttributes: &authzv1.NonResourceAttributes{Path: path, Verb: verb},
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return decision{}, fmt.Errorf("subject access review key: %w", err)
	}
	key := string(b)
	if v, ok := a.cache.Get(key); ok {
		return v.(decision), nil
	}
	ctx, cancel := context.WithTimeout(ctx, a.opts.Timeout)
	defer cancel()
	var got *authzv1.SubjectAccessReview
	err = retry(ctx, a.opts.Backoff, func(ctx context.Context) error {
		var err error
		got, err = a.reviews.Create(ctx, &authzv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		return decision{}, fmt.Errorf("subject access review: %w", err)
	}
	st := got.Status
	if st.Allowed && st.Denied {
		return decision{}, errors.New("subject access review both allowed and denied the request")
	}
	d := decision{Allowed: st.Allowed && !st.Denied, Reason: st.Reason}
	ttl := a.opts.DenyTTL
	if d.Allowed {
		ttl = a.opts.AllowTTL
	}
	a.cache.Add(key, d, ttl)
	return d, nil
}

// sarExtra converts a TokenReview's extra user information to a SubjectAccessReview's.
func sarExtra(in map[string]authnv1.ExtraValue) map[string]authzv1.ExtraValue {
	if in == nil {
		return nil
	}
	out := make(map[string]authzv1.ExtraValue, len(in))
	for k, v := range in {
		out[k] = authzv1.ExtraValue(v)
	}
	return out
}
