package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// reviewOf returns the AdmissionReview the API server would send for req, as JSON.
func reviewOf(t testing.TB, apiVersion string, req admission.Request) []byte {
	t.Helper()
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: apiVersion, Kind: "AdmissionReview"},
		Request:  &req.AdmissionRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serve sends body to h as the API server does, and returns the HTTP status and body.
func serve(t *testing.T, h http.Handler, contentType string, body []byte) (int, []byte) {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, Path, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// answerOf decodes an answer of ServeHTTP, failing t if it is not an AdmissionReview.
func answerOf(t *testing.T, body []byte) admissionv1.AdmissionReview {
	t.Helper()
	var rv admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &rv); err != nil || rv.Response == nil {
		t.Fatalf("answer is not an AdmissionReview with a response (%v): %s", err, body)
	}
	return rv
}

// newMetrics returns metrics registered on a registry of their own, and a function that reads
// the count of a decision.
func newMetrics(t *testing.T) (*metrics.Metrics, func(Decision) float64) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, func(d Decision) float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != "gitops_drift_admission_decisions_total" {
				continue
			}
			for _, s := range mf.GetMetric() {
				if s.GetLabel()[0].GetValue() == string(d) {
					return s.GetCounter().GetValue()
				}
			}
		}
		return 0
	}
}

func TestServeHTTP(t *testing.T) {
	d := testDesired(t)
	frontend := func(m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", "frontend", m...)
	}
	drift := newRequest(t, admissionv1.Update, frontend(setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")), frontend())
	const imageWarning = "gitops-drift: Deployment default/frontend containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19"
	garbled := reviewOf(t, reviewV1, drift)
	garbled = bytes.Replace(garbled, []byte(`"object":{`), []byte(`"object":{,`), 1)
	garbledAt := bytes.Index(garbled, []byte(`{,`)) + 1

	tests := []struct {
		name        string
		opts        Options
		contentType string
		body        []byte
		wantStatus  int
		want        *admissionv1.AdmissionResponse // the answer's response, when wantStatus is 200
		wantVersion string
		wantMessage string // a substring of the denial's message
		wantCount   Decision
	}{
		{
			name: "drift warns", body: reviewOf(t, reviewV1, drift),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionWarned,
			want: &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, Warnings: []string{imageWarning}},
		},
		{
			name: "v1beta1 is answered in v1beta1", body: reviewOf(t, reviewV1beta1, drift),
			wantStatus: http.StatusOK, wantVersion: reviewV1beta1, wantCount: DecisionWarned,
			want: &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, Warnings: []string{imageWarning}},
		},
		{
			name: "content type with parameters", contentType: "application/json; charset=utf-8", body: reviewOf(t, reviewV1, drift),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionWarned,
			want: &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, Warnings: []string{imageWarning}},
		},
		{
			name: "no drift", body: reviewOf(t, reviewV1, newRequest(t, admissionv1.Update, frontend(), frontend())),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionAllowed,
			want: &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true},
		},
		{
			name: "delete, whose object is null", opts: Options{Enforcement: policy.EnforcementDeny},
			body:       reviewOf(t, reviewV1, newRequest(t, admissionv1.Delete, nil, frontend())),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionDenied,
			want:        &admissionv1.AdmissionResponse{UID: "uid-1", Result: &metav1.Status{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden}},
			wantMessage: "Git (revision abc123def456) still defines Deployment default/frontend",
		},
		{
			name: "denied", opts: Options{Enforcement: policy.EnforcementDeny}, body: reviewOf(t, reviewV1, drift),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionDenied,
			want:        &admissionv1.AdmissionResponse{UID: "uid-1", Result: &metav1.Status{Code: http.StatusForbidden, Reason: metav1.StatusReasonForbidden}},
			wantMessage: "containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19",
		},
		{
			name: "a garbled review with a uid is allowed with a warning", body: garbled,
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionError,
			want: &admissionv1.AdmissionResponse{UID: "uid-1", Allowed: true, Warnings: []string{fmt.Sprintf("gitops-drift: could not judge this change: decode admission review: invalid JSON at offset %d", garbledAt)}},
		},
		{
			name: "another review version", body: []byte(`{"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview","request":{"uid":"u-2"}}`),
			wantStatus: http.StatusOK, wantVersion: reviewV1, wantCount: DecisionError,
			want: &admissionv1.AdmissionResponse{UID: "u-2", Allowed: true, Warnings: []string{clip.Middle(`gitops-drift: could not judge this change: decode admission review: not an AdmissionReview of admission.k8s.io/v1 or v1beta1: apiVersion "admission.k8s.io/v2", kind "AdmissionReview"`, maxWarning)}},
		},
		{name: "no uid", body: []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}`), wantStatus: http.StatusBadRequest, wantCount: DecisionError},
		{name: "not JSON", body: []byte(`{"apiVersion":`), wantStatus: http.StatusBadRequest, wantCount: DecisionError},
		{name: "empty body", wantStatus: http.StatusBadRequest, wantCount: DecisionError},
		{name: "not JSON content", contentType: "text/plain", body: reviewOf(t, reviewV1, drift), wantStatus: http.StatusUnsupportedMediaType, wantCount: DecisionError},
		{name: "too large", body: bytes.Repeat([]byte(" "), maxRequestSize+1), wantStatus: http.StatusRequestEntityTooLarge, wantCount: DecisionError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, count := newMetrics(t)
			tt.opts.Metrics = m
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			status, body := serve(t, NewHandler(storeOf(d), tt.opts), ct, tt.body)
			if status != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", status, tt.wantStatus, body)
			}
			if got := count(tt.wantCount); got != 1 {
				t.Errorf("decision %s counted %v times, want 1", tt.wantCount, got)
			}
			if tt.want == nil {
				return
			}
			rv := answerOf(t, body)
			if rv.APIVersion != tt.wantVersion || rv.Kind != "AdmissionReview" {
				t.Errorf("answer is a %s %s, want an AdmissionReview %s", rv.APIVersion, rv.Kind, tt.wantVersion)
			}
			got := rv.Response
			if got.Result != nil {
				if !strings.Contains(got.Result.Message, tt.wantMessage) {
					t.Errorf("message %q lacks %q", got.Result.Message, tt.wantMessage)
				}
				got.Result.Message = ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestServeHTTPAnswersAsHandle checks that ServeHTTP, which decodes the review itself, answers
// each request as Handle answers it decoded by controller-runtime's decoder.
func TestServeHTTPAnswersAsHandle(t *testing.T) {
	d := testDesired(t)
	deploy := func(name string, m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", name, m...)
	}
	image := setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")
	scale := func(n int64) map[string]any {
		return map[string]any{"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": map[string]any{"name": "frontend", "namespace": "default"}, "spec": map[string]any{"replicas": n}}
	}
	scaleReq := newRequest(t, admissionv1.Update, scale(7), scale(3), subresource("scale"))
	scaleReq.Resource = metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	requests := map[string]admission.Request{
		"update":           newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend")),
		"dry run":          newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend"), dryRun),
		"create":           newRequest(t, admissionv1.Create, deploy("frontend", setField("spec.replicas", 1)), nil),
		"delete":           newRequest(t, admissionv1.Delete, nil, deploy("frontend")),
		"per-object deny":  newRequest(t, admissionv1.Update, deploy("api", setField("spec.replicas", 5)), deploy("api")),
		"exempt group":     newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend"), asUser("bob", "gitops")),
		"exempt user":      newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend"), asUser("flux")),
		"status":           newRequest(t, admissionv1.Update, deploy("frontend", image), deploy("frontend"), subresource("status")),
		"scale":            scaleReq,
		"namespace":        newRequest(t, admissionv1.Update, gitObject(t, d, "", "Namespace", "", "team-a", setField("metadata.labels.team", "b")), gitObject(t, d, "", "Namespace", "", "team-a")),
		"another version":  newRequest(t, admissionv1.Update, deploy("frontend", image, setField("apiVersion", "apps/v1beta2")), deploy("frontend")),
		"secret":           newRequest(t, admissionv1.Update, gitObject(t, d, "", "Secret", "default", "db", setField("data.password", "c3dvcmRmaXNo")), gitObject(t, d, "", "Secret", "default", "db")),
		"untracked object": newRequest(t, admissionv1.Update, deploy("frontend", setField("metadata.name", "other"), image), deploy("frontend", setField("metadata.name", "other"))),
	}
	for name, req := range requests {
		t.Run(name, func(t *testing.T) {
			var logs, direct capture.JSONLog
			h := NewHandler(storeOf(d), Options{ExemptUsers: []string{"flux"}, ExemptGroups: []string{"gitops"}, Log: logs.Logger(t)})
			_, body := serve(t, h, "application/json", reviewOf(t, reviewV1, req))
			got := answerOf(t, body).Response

			hd := NewHandler(storeOf(d), Options{ExemptUsers: []string{"flux"}, ExemptGroups: []string{"gitops"}, Log: direct.Logger(t)})
			resp := hd.Handle(t.Context(), req)
			want := resp.AdmissionResponse
			want.UID = req.UID
			if want.Allowed {
				want.Result = nil // not sent: the API server reads a status only in a denial
			}
			if diff := cmp.Diff(&want, got); diff != "" {
				t.Errorf("ServeHTTP's answer differs from Handle's (-Handle +ServeHTTP):\n%s", diff)
			}
			if diff := cmp.Diff(direct.Lines(), logs.Lines()); diff != "" {
				t.Errorf("audit lines differ (-Handle +ServeHTTP):\n%s", diff)
			}
		})
	}
}

// TestHandlePanic forces a panic while judging (the staleness check of a denial panics): the
// request is allowed with a warning that shows nothing of the panic, counted as an error, and
// the stack is logged.
func TestHandlePanic(t *testing.T) {
	d := testDesired(t)
	frontend := func(m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", "frontend", m...)
	}
	req := newRequest(t, admissionv1.Update, frontend(setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")), frontend())
	newHandler := func(t *testing.T) (*Handler, func(Decision) float64, *capture.JSONLog) {
		m, count := newMetrics(t)
		return NewHandler(storeOf(d), Options{
			Enforcement: policy.EnforcementDeny,
			Metrics:     m,
			Stale:       func() (string, bool) { panic("boom: a value") },
		}), count, &capture.JSONLog{}
	}
	for _, via := range []string{"Handle", "ServeHTTP"} {
		t.Run(via, func(t *testing.T) {
			h, count, logs := newHandler(t)
			ctx := logr.NewContext(t.Context(), logs.Logger(t))
			var got admissionv1.AdmissionResponse
			if via == "Handle" {
				got = h.Handle(ctx, req).AdmissionResponse
			} else {
				r := httptest.NewRequestWithContext(ctx, http.MethodPost, Path, bytes.NewReader(reviewOf(t, reviewV1, req)))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				got = *answerOf(t, w.Body.Bytes()).Response
			}
			if !got.Allowed || len(got.Warnings) != 1 || got.Warnings[0] != internalErrorWarning {
				t.Errorf("allowed = %v, warnings = %q; want allowed with %q", got.Allowed, got.Warnings, internalErrorWarning)
			}
			if n := count(DecisionError); n != 1 {
				t.Errorf("decision error counted %v times, want 1", n)
			}
			if n := count(DecisionDenied); n != 0 {
				t.Errorf("decision denied counted %v times, want 0", n)
			}
			lines := logs.Find("panic while judging admission request", map[string]any{logUID: "uid-1", logName: "frontend"})
			if len(lines) != 1 || !strings.Contains(fmt.Sprint(lines[0][logStack]), "TestHandlePanic") {
				t.Errorf("want one log line with the stack, got %v", logs.Lines())
			}
			if out := fmt.Sprint(got.Warnings, logs.Lines()); strings.Contains(out, "a value") {
				t.Errorf("the panic's value shows: %s", out)
			}
		})
	}
}
