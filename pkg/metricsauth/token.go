package metricsauth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"golang.org/x/sync/singleflight"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/cache"
	authnclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
)

// Groups every authenticated user is in, or none is.
const (
	groupAuthenticated   = "system:authenticated"
	groupUnauthenticated = "system:unauthenticated"
	userAnonymous        = "system:anonymous"
)

// bearerToken returns the token of an "Authorization: Bearer <token>" header, or "" when
// there is none, as k8s.io/apiserver's bearertoken authenticator reads it: the header
// trimmed, the scheme in any case, the token the word after it.
func bearerToken(h http.Header) string {
	auth := strings.TrimSpace(h.Get("Authorization"))
	if auth == "" {
		return ""
	}
	parts := strings.SplitN(auth, " ", 3)
	if len(parts) < 2 || !strings.EqualFold(parts[0], "bearer") {
		return ""
	}
	return parts[1]
}

// tokenAnswer is what a TokenReview said of a token.
type tokenAnswer struct {
	// User is the token's user, when Authenticated.
	User authnv1.UserInfo
	// Authenticated tells whether the API server authenticated the token.
	Authenticated bool
	// Reason is the review's status.error, without the token, when not Authenticated.
	Reason string
}

// authenticator authenticates bearer tokens with TokenReviews, keeping the answers for a
// while under an HMAC of the token (never the token itself).
type authenticator struct {
	reviews authnclient.TokenReviewInterface
	opts    Options
	cache   *cache.LRUExpireCache
	key     []byte
	flight  singleflight.Group
}

func newAuthenticator(reviews authnclient.TokenReviewInterface, opts Options) *authenticator {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails; it crashes the program instead
	return &authenticator{
		reviews: reviews,
		opts:    opts,
		cache:   cache.NewLRUExpireCacheWithClock(opts.CacheSize, opts.Clock),
		key:     key,
	}
}

// cacheKey returns the key token's answer is kept under.
func (a *authenticator) cacheKey(token string) string {
	h := hmac.New(sha256.New, a.key)
	h.Write([]byte(token))
	return string(h.Sum(nil))
}

// authenticate returns the API server's answer for token; an error only when the review
// could not be made. Concurrent lookups of one token share one review, which runs to its
// end (within opts.Timeout) even if the request that started it goes away.
func (a *authenticator) authenticate(ctx context.Context, token string) (tokenAnswer, error) {
	key := a.cacheKey(token)
	if v, ok := a.cache.Get(key); ok {
		return v.(tokenAnswer), nil
	}
	ch := a.flight.DoChan(key, func() (any, error) {
		if v, ok := a.cache.Get(key); ok {
			return v.(tokenAnswer), nil
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.opts.Timeout)
		defer cancel()
		ans, cacheable, err := a.review(ctx, token)
		if err != nil {
			return nil, err
		}
		if cacheable {
			a.cache.Add(key, ans, a.opts.TokenTTL)
		}
		return ans, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return tokenAnswer{}, res.Err
		}
		return res.Val.(tokenAnswer), nil
	case <-ctx.Done():
		return tokenAnswer{}, fmt.Errorf("token review: %w", ctx.Err())
	}
}

// review asks the API server about token. An answer carrying status.error is not to be
// kept (cacheable false): the error may be the authenticator's, not the token's, as
// k8s.io/apiserver's token cache does not keep errors.
func (a *authenticator) review(ctx context.Context, token string) (ans tokenAnswer, cacheable bool, err error) {
	var got *authnv1.TokenReview
	err = retry(ctx, a.opts.Backoff, func(ctx context.Context) error {
		var err error
		got, err = a.reviews.Create(ctx, &authnv1.TokenReview{Spec: authnv1.TokenReviewSpec{Token: token}}, metav1.CreateOptions{})
		return err
	})
	if err != nil {
		return tokenAnswer{}, false, fmt.Errorf("token review: %w", err)
	}
	st := got.Status
	if !st.Authenticated {
		return tokenAnswer{Reason: strings.ReplaceAll(st.Error, token, "[token]")}, st.Error == "", nil
	}
	return tokenAnswer{User: withAuthenticatedGroup(st.User), Authenticated: true}, true, nil
}

// withAuthenticatedGroup adds system:authenticated to u's groups unless u is anonymous or
// already in it or in system:unauthenticated, as k8s.io/apiserver's AuthenticatedGroupAdder.
func withAuthenticatedGroup(u authnv1.UserInfo) authnv1.UserInfo {
	if u.Username == userAnonymous || slices.Contains(u.Groups, groupAuthenticated) || slices.Contains(u.Groups, groupUnauthenticated) {
		return u
	}
	u.Groups = append(slices.Clip(u.Groups), groupAuthenticated)
	return u
}
