package e2e

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// TestSecureMetrics: with --metrics-secure, the metrics server answers only callers whose
// ServiceAccount token the API server authenticates, and only for what RBAC lets them do on
// the non-resource URL: get /metrics for a scraper, post /git/refresh for a GitOps controller.
// The shared secret of --git-refresh-secret-file, sent as a bearer token, is not a token the
// API server knows: refused too.
func TestSecureMetrics(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	repo := gitrepo.New(t)
	first := repo.Commit("frontend at 1.25", gitFrontend("nginx:1.25"))
	w := startGitServe(t, e, ns, repo.URL(), "--metrics-secure", "--git-poll-interval", "1h", "--no-audit")

	tokens := map[string]string{}
	for sa, rule := range map[string]*rbacv1.PolicyRule{
		"nobody":    nil,
		"scraper":   {NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}},
		"refresher": {NonResourceURLs: []string{"/git/refresh"}, Verbs: []string{"post"}},
	} {
		tokens[sa] = kubeenv.ServiceAccountToken(t, cs, ns, sa, rule)
	}
	get := func(method, path, token string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, fmt.Sprintf("https://127.0.0.1:%d%s", w.metrics, path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		// The certificate is serve's self-signed one, as a Prometheus with insecure_skip_verify.
		client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	second := repo.Commit("frontend at 1.26", gitFrontend("nginx:1.26"))
	tests := []struct {
		name, method, path, token string
		want                      int
	}{
		{name: "scrape without a token", method: http.MethodGet, path: "/metrics", want: http.StatusUnauthorized},
		// The TokenReview of a token that is not a JWT carries status.error. controller-runtime's
		// filter answered that 500 "Authentication failed"; metricsauth answers 401: the API
		// server did answer, and did not authenticate the token. 500 is kept for a review that
		// could not be made.
		{name: "scrape with a token the server does not know", method: http.MethodGet, path: "/metrics", token: "refresh-me", want: http.StatusUnauthorized},
		{name: "scrape without RBAC", method: http.MethodGet, path: "/metrics", token: tokens["nobody"], want: http.StatusForbidden},
		{name: "refresh by a scraper", method: http.MethodPost, path: "/git/refresh", token: tokens["scraper"], want: http.StatusForbidden},
		{name: "scrape by a refresher", method: http.MethodGet, path: "/metrics", token: tokens["refresher"], want: http.StatusForbidden},
		{name: "scrape", method: http.MethodGet, path: "/metrics", token: tokens["scraper"], want: http.StatusOK},
		{name: "refresh", method: http.MethodPost, path: "/git/refresh", token: tokens["refresher"], want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := get(tt.method, tt.path, tt.token)
			if code != tt.want {
				t.Fatalf("%s %s = %d %q, want %d", tt.method, tt.path, code, body, tt.want)
			}
			switch {
			case code != http.StatusOK:
				if strings.Contains(body, "gitops_drift") || strings.Contains(body, first[:12]) {
					t.Errorf("a refused request got %q", body)
				}
			case tt.path == "/metrics":
				if !strings.Contains(body, fmt.Sprintf(`gitops_drift_desired_revision_info{revision=%q} 1`, first[:12])) {
					t.Errorf("scrape without the revision in force:\n%s", body)
				}
			default:
				var res struct{ Revision string }
				if err := json.Unmarshal([]byte(body), &res); err != nil || res.Revision != second[:12] {
					t.Errorf("refresh answered %q, want revision %s", body, second[:12])
				}
			}
		})
	}
}
