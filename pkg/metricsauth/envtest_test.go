package metricsauth

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// countingTransport counts the requests that go through it.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestFilterAPIServer: against a real API server, a ServiceAccount token that RBAC allows
// gets through, one without RBAC is refused 403, a token the server does not know and no
// token 401; and a second request within the caches' TTLs makes no API call.
func TestFilterAPIServer(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	scraper := kubeenv.ServiceAccountToken(t, cs, ns, "scraper", &rbacv1.PolicyRule{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}})
	nobody := kubeenv.ServiceAccountToken(t, cs, ns, "nobody", nil)
	waitAllowed(t, cs, "system:serviceaccount:"+ns+":scraper", "get", "/metrics")

	client, err := rest.HTTPClientFor(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	calls := &countingTransport{next: client.Transport}
	client.Transport = calls
	f, err := NewFilter(e.Config, client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.Wrap(logr.Discard(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metrics")
	}))
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		Code  int
		Body  string
		Calls int32 // API calls the request made
	}
	tests := []struct {
		name string
		auth string
		want result
	}{
		{name: "allowed", auth: "Bearer " + scraper, want: result{200, "metrics", 2}},
		{name: "allowed again, from the caches", auth: "Bearer " + scraper, want: result{200, "metrics", 0}},
		{name: "no RBAC", auth: "Bearer " + nobody, want: result{403, "Authorization denied for user system:serviceaccount:" + ns + ":nobody", 2}},
		{name: "no RBAC again, from the caches", auth: "Bearer " + nobody, want: result{403, "Authorization denied for user system:serviceaccount:" + ns + ":nobody", 0}},
		{name: "unknown token", auth: "Bearer not-a-token", want: result{401, "Unauthorized", 1}},
		{name: "no token", want: result{401, "Unauthorized", 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := calls.n.Load()
			code, body := do(t, h, http.MethodGet, "/metrics", tt.auth)
			if diff := cmp.Diff(tt.want, result{code, body, calls.n.Load() - before}); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// waitAllowed polls until the API server's RBAC authorizer, which reads bindings from its
// own cache, allows user to verb path: the filter keeps a refusal for 30 seconds.
func waitAllowed(t *testing.T, cs kubernetes.Interface, user, verb, path string) {
	t.Helper()
	sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		User:                  user,
		Groups:                []string{"system:serviceaccounts", groupAuthenticated},
		NonResourceAttributes: &authzv1.NonResourceAttributes{Path: path, Verb: verb},
	}}
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
		if err != nil {
			return false, err
		}
		return got.Status.Allowed, nil
	})
	if err != nil {
		t.Fatalf("%s may not %s %s: %v", user, verb, path, err)
	}
}
