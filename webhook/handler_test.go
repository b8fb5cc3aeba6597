package webhook

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

func TestHandle(t *testing.T) {
	d := testDesired(t)
	deploy := func(name string, m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", name, m...)
	}
	frontend := func(m ...mutator) map[string]any { return deploy("frontend", m...) }
	image := func(v string) mutator { return setField("spec.template.spec.containers[name=frontend].image", v) }
	const imageWarning = "gitops-drift: Deployment default/frontend containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19"

	tests := []struct {
		name         string
		opts         Options
		req          admission.Request
		wantAllowed  bool
		wantCode     int32
		wantWarnings []string
		wantMessage  []string // substrings of the result's message
		wantAudit    Decision // the decision of the audit line; "" for none
	}{
		{
			name:         "update introducing drift warns",
			req:          newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend()),
			wantAllowed:  true,
			wantWarnings: []string{imageWarning},
			wantAudit:    DecisionWarned,
		},
		{
			name:         "dry run is judged the same",
			req:          newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend(), dryRun),
			wantAllowed:  true,
			wantWarnings: []string{imageWarning},
			wantAudit:    DecisionWarned,
		},
		{
			name:        "update toward Git is allowed silently",
			req:         newRequest(t, admissionv1.Update, frontend(), frontend(image("nginx:1.19"))),
			wantAllowed: true,
		},
		{
			name:        "update of fields Git does not set leaves existing drift alone",
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19"), setField("metadata.labels.extra", "x")), frontend(image("nginx:1.19"))),
			wantAllowed: true,
		},
		{
			name:         "update changing drift to another value warns",
			req:          newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend(image("nginx:1.18"))),
			wantAllowed:  true,
			wantWarnings: []string{imageWarning},
			wantAudit:    DecisionWarned,
		},
		{
			name:        "ignored field",
			req:         newRequest(t, admissionv1.Update, deploy("batch", setField("spec.replicas", 5)), deploy("batch")),
			wantAllowed: true,
		},
		{
			name:        "untracked object",
			req:         newRequest(t, admissionv1.Update, frontend(setField("metadata.name", "other"), image("x")), frontend(setField("metadata.name", "other"))),
			wantAllowed: true,
		},
		{
			name:        "skipped object",
			req:         newRequest(t, admissionv1.Update, gitObject(t, d, "", "ConfigMap", "default", "skipped", setField("data.key", "other")), gitObject(t, d, "", "ConfigMap", "default", "skipped")),
			wantAllowed: true,
		},
		{
			name:        "subresource",
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend(), subresource("status")),
			wantAllowed: true,
		},
		{
			name:        "exempt user",
			opts:        Options{ExemptUsers: []string{"flux"}},
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend(), asUser("flux")),
			wantAllowed: true,
		},
		{
			name:        "exempt group",
			opts:        Options{Enforcement: policy.EnforcementDeny, ExemptGroups: []string{"gitops"}},
			req:         newRequest(t, admissionv1.Delete, nil, frontend(), asUser("bob", "system:authenticated", "gitops")),
			wantAllowed: true,
		},
		{
			name:        "global deny",
			opts:        Options{Enforcement: policy.EnforcementDeny},
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend()),
			wantCode:    http.StatusForbidden,
			wantMessage: []string{"Deployment default/frontend would drift from Git (revision abc123def456)", "containers[name=frontend].image: Git has nginx:1.25, change sets nginx:1.19", "change the manifest in Git", "exempt"},
			wantAudit:   DecisionDenied,
		},
		{
			name:        "per-object deny beats global warn",
			req:         newRequest(t, admissionv1.Update, deploy("api", setField("spec.replicas", 5)), deploy("api")),
			wantCode:    http.StatusForbidden,
			wantMessage: []string{"spec.replicas: Git has 2, change sets 5"},
			wantAudit:   DecisionDenied,
		},
		{
			name:        "per-object off",
			opts:        Options{Enforcement: policy.EnforcementDeny},
			req:         newRequest(t, admissionv1.Update, deploy("legacy", setField("spec.replicas", 5)), deploy("legacy")),
			wantAllowed: true,
		},
		{
			name:        "audit mode allows silently and logs",
			opts:        Options{Enforcement: policy.EnforcementAudit},
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19")), frontend()),
			wantAllowed: true,
			wantAudit:   DecisionAudited,
		},
		{
			name:         "create diverging from Git",
			req:          newRequest(t, admissionv1.Create, frontend(setField("spec.replicas", 1)), nil),
			wantAllowed:  true,
			wantWarnings: []string{"gitops-drift: Deployment default/frontend spec.replicas: Git has 3, change sets 1"},
			wantAudit:    DecisionWarned,
		},
		{
			name:        "create as in Git",
			req:         newRequest(t, admissionv1.Create, frontend(), nil),
			wantAllowed: true,
		},
		{
			name:         "update removing a field",
			req:          newRequest(t, admissionv1.Update, frontend(setField("spec.template.spec.containers[name=frontend].env", []any{})), frontend()),
			wantAllowed:  true,
			wantWarnings: []string{`gitops-drift: Deployment frontend ...=frontend].env[name=MODE]: Git has {"name":"MODE...lue":"prod"}, change removes it`},
			wantAudit:    DecisionWarned,
		},
		{
			name:         "delete warns",
			req:          newRequest(t, admissionv1.Delete, nil, frontend()),
			wantAllowed:  true,
			wantWarnings: []string{"gitops-drift: Deployment default/frontend: deleting an object Git still defines (revision abc123def456)"},
			wantAudit:    DecisionWarned,
		},
		{
			name:        "delete denied",
			opts:        Options{Enforcement: policy.EnforcementDeny},
			req:         newRequest(t, admissionv1.Delete, nil, frontend()),
			wantCode:    http.StatusForbidden,
			wantMessage: []string{"Git (revision abc123def456) still defines Deployment default/frontend", "remove it from Git first"},
			wantAudit:   DecisionDenied,
		},
		{
			name:         "namespace, whose request namespace is its own name",
			req:          newRequest(t, admissionv1.Update, gitObject(t, d, "", "Namespace", "", "team-a", setField("metadata.labels.team", "b")), gitObject(t, d, "", "Namespace", "", "team-a")),
			wantAllowed:  true,
			wantWarnings: []string{"gitops-drift: Namespace team-a metadata.labels.team: Git has a, change sets b"},
			wantAudit:    DecisionWarned,
		},
		{
			name:        "version Git does not use",
			req:         newRequest(t, admissionv1.Update, frontend(image("nginx:1.19"), setField("apiVersion", "apps/v1beta2")), frontend()),
			wantAllowed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs capture.JSONLog
			store := &desired.Store{}
			store.Set(d)
			tt.opts.Log = logs.Logger(t)
			resp := NewHandler(store, tt.opts).Handle(t.Context(), tt.req)
			if resp.Allowed != tt.wantAllowed {
				t.Errorf("Allowed = %v, want %v (result %+v)", resp.Allowed, tt.wantAllowed, resp.Result)
			}
			wantCode := tt.wantCode
			if wantCode == 0 {
				wantCode = http.StatusOK
			}
			if resp.Result.Code != wantCode {
				t.Errorf("code = %d, want %d", resp.Result.Code, wantCode)
			}
			if diff := cmp.Diff(tt.wantWarnings, resp.Warnings, cmp.Comparer(ellipsisMatch)); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			for _, m := range tt.wantMessage {
				if !strings.Contains(resp.Result.Message, m) {
					t.Errorf("message %q lacks %q", resp.Result.Message, m)
				}
			}
			var decisions []Decision
			for _, l := range logs.Lines() {
				decisions = append(decisions, Decision(fmt.Sprint(l[logDecision])))
			}
			var want []Decision
			if tt.wantAudit != "" {
				want = []Decision{tt.wantAudit}
			}
			if diff := cmp.Diff(want, decisions); diff != "" {
				t.Errorf("audit lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// ellipsisMatch compares warnings; a wanted warning ending in "..." matches any warning that
// starts with what comes before.
func ellipsisMatch(want, got string) bool {
	if p, ok := strings.CutSuffix(want, "..."); ok {
		return strings.HasPrefix(got, p)
	}
	return want == got
}

func TestHandleAuditLine(t *testing.T) {
	d := testDesired(t)
	var logs capture.JSONLog
	store := &desired.Store{}
	store.Set(d)
	h := NewHandler(store, Options{Log: logs.Logger(t)})
	old := gitObject(t, d, "apps", "Deployment", "default", "frontend")
	obj := gitObject(t, d, "apps", "Deployment", "default", "frontend", setField("spec.replicas", 4))
	h.Handle(t.Context(), newRequest(t, admissionv1.Update, obj, old, dryRun))
	if len(logs.Lines()) != 1 {
		t.Fatalf("got %d audit lines, want 1: %v", len(logs.Lines()), logs.Lines())
	}
	got := logs.Lines()[0]
	delete(got, "logger")
	delete(got, "level")
	want := map[string]any{
		"msg":       auditMessage,
		"uid":       "uid-1",
		"user":      "alice",
		"groups":    []any{"developers", "system:authenticated"},
		"operation": "UPDATE",
		"resource":  "apps/v1/deployments",
		"kind":      "Deployment",
		"namespace": "default",
		"name":      "frontend",
		"dryRun":    true,
		"decision":  "warned",
		"revision":  testRevision,
		"fields":    []any{map[string]any{"path": "spec.replicas", "desired": "3", "live": "4"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit line mismatch (-want +got):\n%s", diff)
	}
}

func TestHandleSecretNeverShowsValues(t *testing.T) {
	d := testDesired(t)
	secret := func(password string) map[string]any {
		return map[string]any{
			"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
			"metadata": map[string]any{"name": "db", "namespace": "default"},
			"data":     map[string]any{"password": base64.StdEncoding.EncodeToString([]byte(password))},
		}
	}
	for _, mode := range []policy.Enforcement{policy.EnforcementWarn, policy.EnforcementDeny} {
		t.Run(string(mode), func(t *testing.T) {
			var logs capture.JSONLog
			store := &desired.Store{}
			store.Set(d)
			h := NewHandler(store, Options{Enforcement: mode, Log: logs.Logger(t)})
			resp := h.Handle(t.Context(), newRequest(t, admissionv1.Update, secret("swordfish"), secret("hunter2")))
			out := strings.Join(resp.Warnings, "\n") + resp.Result.Message + fmt.Sprint(logs.Lines())
			for _, leak := range []string{"hunter2", "swordfish", base64.StdEncoding.EncodeToString([]byte("swordfish")), "redacted", "sha256"} {
				if strings.Contains(out, leak) {
					t.Errorf("output shows %q:\n%s", leak, out)
				}
			}
			if !strings.Contains(out, "Data.password") {
				t.Errorf("output does not name the field:\n%s", out)
			}
		})
	}
}

// TestHandleErrors checks that a request the webhook cannot judge is allowed with a warning:
// an error answer would deny it whatever the failurePolicy.
func TestHandleErrors(t *testing.T) {
	d := testDesired(t)
	frontend := gitObject(t, d, "apps", "Deployment", "default", "frontend")
	bad := newRequest(t, admissionv1.Update, frontend, frontend)
	bad.Object.Raw = []byte("{not json")
	tests := []struct {
		name  string
		store *desired.Store
		req   admission.Request
	}{
		{name: "undecodable object", store: storeOf(d), req: bad},
		{name: "nothing loaded", store: &desired.Store{}, req: newRequest(t, admissionv1.Update, frontend, frontend)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := NewHandler(tt.store, Options{}).Handle(t.Context(), tt.req)
			if !resp.Allowed || len(resp.Warnings) != 1 || !strings.Contains(resp.Warnings[0], "could not judge") {
				t.Errorf("got allowed=%v warnings=%q, want allowed with one 'could not judge' warning", resp.Allowed, resp.Warnings)
			}
		})
	}
}

func storeOf(d *check.Desired) *desired.Store {
	s := &desired.Store{}
	s.Set(d)
	return s
}
