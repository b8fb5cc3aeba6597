package metricsauth

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
	authnv1 "k8s.io/api/authentication/v1"
	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	clocktesting "k8s.io/utils/clock/testing"
)

// The tests here cover the HTTP plumbing against a stub of the two review endpoints; what
// the real API server answers is tested in envtest_test.go and by the e2e and serve tests.

const (
	goodToken  = "good-token-do-not-log"
	otherToken = "other-token-do-not-log"
	errToken   = "error-token-do-not-log"
)

// apiStub answers TokenReviews and SubjectAccessReviews from its tables, counting them.
type apiStub struct {
	users   map[string]authnv1.UserInfo // token -> user
	errors  map[string]string           // token -> status.error (unauthenticated)
	allowed map[string]bool             // "user verb path" -> allowed
	// fail is the number of review calls still to answer 500.
	fail atomic.Int32

	tokenReviews, accessReviews atomic.Int32
}

func newAPIStub() *apiStub {
	return &apiStub{
		users: map[string]authnv1.UserInfo{
			goodToken:  {Username: "scraper", UID: "1", Groups: []string{"g"}, Extra: map[string]authnv1.ExtraValue{"k": {"v"}}},
			otherToken: {Username: "nobody"},
		},
		errors:  map[string]string{errToken: "invalid bearer token: " + errToken},
		allowed: map[string]bool{"scraper get /metrics": true},
	}
}

func (s *apiStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.fail.Add(-1) >= 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusFailure, Code: 500, Reason: metav1.StatusReasonInternalError, Message: "stub failure"})
		return
	}
	var out any
	switch r.URL.Path {
	case "/apis/authentication.k8s.io/v1/tokenreviews":
		s.tokenReviews.Add(1)
		var tr authnv1.TokenReview
		if err := json.NewDecoder(r.Body).Decode(&tr); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		u, ok := s.users[tr.Spec.Token]
		tr.TypeMeta = metav1.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenReview"}
		tr.Status = authnv1.TokenReviewStatus{Authenticated: ok, User: u, Error: s.errors[tr.Spec.Token]}
		out = tr
	case "/apis/authorization.k8s.io/v1/subjectaccessreviews":
		s.accessReviews.Add(1)
		var sar authzv1.SubjectAccessReview
		if err := json.NewDecoder(r.Body).Decode(&sar); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		want := s.users[goodToken]
		sp := sar.Spec
		if sp.User == want.Username && (sp.UID != want.UID || fmt.Sprint(sp.Groups) != "[g system:authenticated]" || fmt.Sprint(sp.Extra) != "map[k:[v]]") {
			http.Error(w, fmt.Sprintf("unexpected subject %+v", sp), http.StatusBadRequest)
			return
		}
		na := sp.NonResourceAttributes
		sar.TypeMeta = metav1.TypeMeta{APIVersion: "authorization.k8s.io/v1", Kind: "SubjectAccessReview"}
		sar.Status.Allowed = na != nil && s.allowed[sp.User+" "+na.Verb+" "+na.Path]
		out = sar
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// logSink collects log lines, V(4) included.
type logSink struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logSink) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		fmt.Fprintln(&l.buf, prefix, args)
	}, funcr.Options{Verbosity: 4})
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// setup returns stub's server behind a filter with opts, its downstream handler recording
// the Authorization header it was given, and the log.
func setup(t *testing.T, stub *apiStub, opts Options) (http.Handler, *logSink, *atomic.Value) {
	t.Helper()
	srv := httptest.NewServer(stub)
	t.Cleanup(srv.Close)
	// The stub speaks JSON; client-go's typed clients speak protobuf by default.
	cfg := &rest.Config{Host: srv.URL, ContentConfig: rest.ContentConfig{ContentType: "application/json"}}
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Backoff.Steps == 0 {
		opts.Backoff = wait.Backoff{Duration: time.Millisecond, Factor: 1.5, Steps: 5}
	}
	f, err := NewFilter(cfg, client, opts)
	if err != nil {
		t.Fatal(err)
	}
	var header atomic.Value
	logs := &logSink{}
	h, err := f.Wrap(logs.logger(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, "metrics")
	}))
	if err != nil {
		t.Fatal(err)
	}
	return h, logs, &header
}

// do serves one request and returns its status code and body.
func do(t *testing.T, h http.Handler, method, path, auth string) (int, string) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, strings.TrimSpace(rec.Body.String())
}

func TestFilter(t *testing.T) {
	type result struct {
		Code                        int
		Body                        string
		TokenReviews, AccessReviews int32
	}
	tests := []struct {
		name         string
		method, auth string
		fail         int32
		want         result
	}{
		{name: "allowed", auth: "Bearer " + goodToken, want: result{200, "metrics", 1, 1}},
		{name: "scheme in lower case", auth: "bearer " + goodToken, want: result{200, "metrics", 1, 1}},
		{name: "no header", want: result{401, "Unauthorized", 0, 0}},
		{name: "not a bearer token", auth: "Basic " + goodToken, want: result{401, "Unauthorized", 0, 0}},
		{name: "unknown token", auth: "Bearer nope", want: result{401, "Unauthorized", 1, 0}},
		{name: "token review error", auth: "Bearer " + errToken, want: result{401, "Unauthorized", 1, 0}},
		{name: "not authorized", auth: "Bearer " + otherToken, want: result{403, "Authorization denied for user nobody", 1, 1}},
		{name: "verb is the method", method: http.MethodPost, auth: "Bearer " + goodToken, want: result{403, "Authorization denied for user scraper", 1, 1}},
		{name: "retried", auth: "Bearer " + goodToken, fail: 4, want: result{200, "metrics", 1, 1}},
		{name: "retries run out", auth: "Bearer " + goodToken, fail: 5, want: result{500, "Authentication failed", 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newAPIStub()
			stub.fail.Store(tt.fail)
			h, logs, header := setup(t, stub, Options{})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			code, body := do(t, h, method, "/metrics", tt.auth)
			got := result{code, body, stub.tokenReviews.Load(), stub.accessReviews.Load()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if v := header.Load(); code == 200 && v != "" {
				t.Errorf("the handler got Authorization %q, want none", v)
			}
			out := logs.String()
			if code != 200 && !strings.Contains(out, "request refused") && !strings.Contains(out, "failed") {
				t.Errorf("refusal not logged:\n%s", out)
			}
			for _, tok := range []string{goodToken, otherToken, errToken} {
				if strings.Contains(out, tok) || strings.Contains(body, tok) {
					t.Errorf("a token in the log or answer:\n%s\n%s", out, body)
				}
			}
		})
	}
}

func TestFilterUnreachable(t *testing.T) {
	srv := httptest.NewServer(newAPIStub())
	cfg := &rest.Config{Host: srv.URL}
	srv.Close()
	f, err := NewFilter(cfg, http.DefaultClient, Options{})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logSink{}
	h, err := f.Wrap(logs.logger(), http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	code, body := do(t, h, http.MethodGet, "/metrics", "Bearer "+goodToken)
	if code != 500 || body != "Authentication failed" {
		t.Errorf("got %d %q, want 500 %q", code, body, "Authentication failed")
	}
	if out := logs.String(); !strings.Contains(out, "authentication failed") || strings.Contains(out, goodToken) {
		t.Errorf("log:\n%s", out)
	}
}

// TestFilterCache: answers are kept for their TTLs (token 1 min, allowed 5 min, denied 30 s),
// an erroring TokenReview's not at all.
func TestFilterCache(t *testing.T) {
	type counts struct{ TokenReviews, AccessReviews int32 }
	tests := []struct {
		name  string
		auth  string
		steps []time.Duration // clock steps, each followed by a request
		want  []counts        // review calls after each request
	}{
		{
			name:  "allowed",
			auth:  "Bearer " + goodToken,
			steps: []time.Duration{0, 0, 59 * time.Second, 2 * time.Second, 3 * time.Minute, 70 * time.Second},
			want:  []counts{{1, 1}, {1, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 2}},
		},
		{
			name:  "denied",
			auth:  "Bearer " + otherToken,
			steps: []time.Duration{0, 29 * time.Second, 2 * time.Second, 31 * time.Second},
			want:  []counts{{1, 1}, {1, 1}, {1, 2}, {2, 3}},
		},
		{
			name:  "unknown token",
			auth:  "Bearer nope",
			steps: []time.Duration{0, 59 * time.Second, 2 * time.Second},
			want:  []counts{{1, 0}, {1, 0}, {2, 0}},
		},
		{
			name:  "review error not kept",
			auth:  "Bearer " + errToken,
			steps: []time.Duration{0, 0},
			want:  []counts{{1, 0}, {2, 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stub := newAPIStub()
			clk := clocktesting.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			h, _, _ := setup(t, stub, Options{Clock: clk})
			var got []counts
			for _, step := range tt.steps {
				clk.Step(step)
				do(t, h, http.MethodGet, "/metrics", tt.auth)
				got = append(got, counts{stub.tokenReviews.Load(), stub.accessReviews.Load()})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("review calls after each request (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFilterCacheBounded: past CacheSize tokens, the least recently used is reviewed again.
func TestFilterCacheBounded(t *testing.T) {
	stub := newAPIStub()
	h, _, _ := setup(t, stub, Options{CacheSize: 1})
	for _, tok := range []string{goodToken, otherToken, goodToken} {
		do(t, h, http.MethodGet, "/metrics", "Bearer "+tok)
	}
	if got := stub.tokenReviews.Load(); got != 3 {
		t.Errorf("%d TokenReviews, want 3", got)
	}
}
