package metricsauth

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-logr/logr"
	authnclient "k8s.io/client-go/kubernetes/typed/authentication/v1"
	authzclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
	"k8s.io/client-go/rest"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// Log keys.
const (
	keyUser   = "user"
	keyVerb   = "verb"
	keyPath   = "path"
	keyReason = "reason"
)

// Filter authenticates and authorizes the requests of the handlers it wraps. It needs, for
// the process, RBAC to create tokenreviews (authentication.k8s.io) and subjectaccessreviews
// (authorization.k8s.io); callers need the verb on the non-resource URL, for instance get
// on /metrics.
type Filter struct {
	authn *authenticator
	authz *authorizer
}

// NewFilter returns a Filter whose reviews go to the API server of config through
// httpClient.
func NewFilter(config *rest.Config, httpClient *http.Client, opts Options) (*Filter, error) {
	authn, err := authnclient.NewForConfigAndClient(config, httpClient)
	if err != nil {
		return nil, fmt.Errorf("token review client: %w", err)
	}
	authz, err := authzclient.NewForConfigAndClient(config, httpClient)
	if err != nil {
		return nil, fmt.Errorf("subject access review client: %w", err)
	}
	opts = opts.withDefaults()
	return &Filter{authn: newAuthenticator(authn.TokenReviews(), opts), authz: newAuthorizer(authz.SubjectAccessReviews(), opts)}, nil
}

// WithAuthenticationAndAuthorization is a metricsserver.Options.FilterProvider: a Filter
// with the default Options, shared by the metrics handler and the extra handlers.
func WithAuthenticationAndAuthorization(config *rest.Config, httpClient *http.Client) (metricsserver.Filter, error) {
	f, err := NewFilter(config, httpClient, Options{})
	if err != nil {
		return nil, err
	}
	return f.Wrap, nil
}

// Wrap returns next behind the filter, logging refusals (V(4)) and failures to log. It has
// the signature of a metricsserver.Filter.
//
// A request without a bearer token, or with one the API server does not authenticate, is
// answered 401 "Unauthorized"; one whose user may not use the request's method (lower-cased,
// as the verb) on its path is answered 403 "Authorization denied for user NAME"; 500 when a
// review could not be made. The request goes on without its Authorization header.
func (f *Filter) Wrap(log logr.Logger, next http.Handler) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		verb, path := strings.ToLower(req.Method), req.URL.Path
		token := bearerToken(req.Header)
		if token == "" {
			log.V(4).Info("request refused: no bearer token", keyVerb, verb, keyPath, path)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		ans, err := f.authn.authenticate(ctx, token)
		if err != nil {
			log.Error(err, "authentication failed", keyVerb, verb, keyPath, path)
			http.Error(w, "Authentication failed", http.StatusInternalServerError)
			return
		}
		if !ans.Authenticated {
			log.V(4).Info("request refused: token not authenticated", keyVerb, verb, keyPath, path, keyReason, ans.Reason)
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		name := ans.User.Username
		d, err := f.authz.authorize(ctx, ans.User, verb, path)
		if err != nil {
			log.Error(err, "authorization failed", keyUser, name, keyVerb, verb, keyPath, path)
			http.Error(w, fmt.Sprintf("Authorization for user %s failed", name), http.StatusInternalServerError)
			return
		}
		if !d.Allowed {
			log.V(4).Info("request refused: not authorized", keyUser, name, keyVerb, verb, keyPath, path, keyReason, d.Reason)
			http.Error(w, fmt.Sprintf("Authorization denied for user %s", name), http.StatusForbidden)
			return
		}
		req.Header.Del("Authorization")
		next.ServeHTTP(w, req)
	}), nil
}
