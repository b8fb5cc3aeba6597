package webhook

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// appsV1 returns the apps/v1 resource res, as a request names it.
func appsV1(res string) metav1.GroupVersionResource {
	return metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: res}
}

// coreV1 returns the v1 resource res of the core group.
func coreV1(res string) metav1.GroupVersionResource {
	return metav1.GroupVersionResource{Version: "v1", Resource: res}
}

// scaleRequest builds the request the API server sends for `kubectl scale` of the object
// default/name of resource res from old to now replicas: an UPDATE of the scale subresource
// whose objects are autoscaling/v1 Scales.
func scaleRequest(t testing.TB, res metav1.GroupVersionResource, name string, old, now int32, opts ...reqOption) admission.Request {
	t.Helper()
	scale := func(replicas int32) runtime.RawExtension {
		s := autoscalingv1.Scale{
			TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: "3f5e0c2a"},
			Spec:       autoscalingv1.ScaleSpec{Replicas: replicas}, // omitempty: 0 is left out, as the server does
			Status:     autoscalingv1.ScaleStatus{Replicas: old, Selector: "app=" + name},
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return runtime.RawExtension{Raw: b}
	}
	r := admissionv1.AdmissionRequest{
		UID:         "uid-scale",
		Kind:        metav1.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"},
		Resource:    res,
		SubResource: subresourceScale,
		Namespace:   "default",
		Name:        name,
		Operation:   admissionv1.Update,
		UserInfo:    authnv1.UserInfo{Username: "alice", Groups: []string{"developers", "system:authenticated"}},
		Object:      scale(now),
		OldObject:   scale(old),
		DryRun:      new(false),
	}
	for _, o := range opts {
		o(&r)
	}
	return admission.Request{AdmissionRequest: r}
}

func withOperation(op admissionv1.Operation) reqOption {
	return func(r *admissionv1.AdmissionRequest) { r.Operation = op }
}

func withResource(res metav1.GroupVersionResource) reqOption {
	return func(r *admissionv1.AdmissionRequest) { r.Resource = res }
}

func TestHandleScale(t *testing.T) {
	d := compileDir(t, "testdata/scale")
	deployments := appsV1("deployments")
	const webWarning = "gitops-drift: Deployment default/web spec.replicas: Git has 3, change sets 5"
	stale := func() (string, bool) { return "Git could not be reached since 2026-12-02T16:02:03Z", true }
	notScale := scaleRequest(t, deployments, "web", 3, 5)
	notScale.Kind = metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	badJSON := scaleRequest(t, deployments, "web", 3, 5)
	badJSON.Object.Raw = []byte(`{"spec":{"replicas":"five"}}`)

	tests := []struct {
		name         string
		opts         Options
		req          admission.Request
		want         Decision
		wantCode     int32 // 0: allowed
		wantWarnings []string
		wantMessage  []string // substrings of the denial's message
	}{
		{
			name:         "scale away from Git warns",
			req:          scaleRequest(t, deployments, "web", 3, 5),
			want:         DecisionWarned,
			wantWarnings: []string{webWarning},
		},
		{
			name:         "dry run is judged the same",
			req:          scaleRequest(t, deployments, "web", 3, 5, dryRun),
			want:         DecisionWarned,
			wantWarnings: []string{webWarning},
		},
		{
			name:         "scale to zero, which the Scale leaves out, warns",
			req:          scaleRequest(t, deployments, "web", 3, 0),
			want:         DecisionWarned,
			wantWarnings: []string{"gitops-drift: Deployment default/web spec.replicas: Git has 3, change sets 0"},
		},
		{
			name: "scale back to Git is allowed silently",
			req:  scaleRequest(t, deployments, "web", 5, 3),
			want: DecisionAllowed,
		},
		{
			name: "scale to Git's value unchanged is allowed silently",
			req:  scaleRequest(t, deployments, "web", 3, 3),
			want: DecisionAllowed,
		},
		{
			name: "drift already there, left as it was",
			req:  scaleRequest(t, deployments, "web", 5, 5),
			want: DecisionAllowed,
		},
		{
			name:         "drift already there, changed to another value",
			req:          scaleRequest(t, deployments, "web", 4, 5),
			want:         DecisionWarned,
			wantWarnings: []string{webWarning},
		},
		{
			name: "Git leaves replicas to an autoscaler",
			req:  scaleRequest(t, deployments, "autoscaled", 2, 9),
			want: DecisionAllowed,
		},
		{
			name: "ignored replicas",
			req:  scaleRequest(t, deployments, "batch", 1, 5),
			want: DecisionAllowed,
		},
		{
			name: "enforcement off",
			opts: Options{Enforcement: policy.EnforcementDeny},
			req:  scaleRequest(t, deployments, "legacy", 1, 5),
			want: DecisionOff,
		},
		{
			name:        "per-object deny beats global warn",
			req:         scaleRequest(t, deployments, "guarded", 2, 5),
			want:        DecisionDenied,
			wantCode:    http.StatusForbidden,
			wantMessage: []string{"Deployment default/guarded would drift from Git (revision abc123def456)", "  - spec.replicas: Git has 2, change sets 5\n", "exempt"},
		},
		{
			name:        "global deny",
			opts:        Options{Enforcement: policy.EnforcementDeny},
			req:         scaleRequest(t, deployments, "web", 3, 5),
			want:        DecisionDenied,
			wantCode:    http.StatusForbidden,
			wantMessage: []string{"spec.replicas: Git has 3, change sets 5"},
		},
		{
			name: "audit mode",
			opts: Options{Enforcement: policy.EnforcementAudit},
			req:  scaleRequest(t, deployments, "web", 3, 5),
			want: DecisionAudited,
		},
		{
			name: "stale desired state turns a denial into warnings",
			opts: Options{Enforcement: policy.EnforcementDeny, Stale: stale},
			req:  scaleRequest(t, deployments, "web", 3, 5),
			want: DecisionStale,
			wantWarnings: []string{
				"gitops-drift: not denied: Git could not be reached since 2026-12-02T16:02:03Z; judged against revision abc123def456",
				webWarning,
			},
		},
		{
			name: "exempt user",
			opts: Options{Enforcement: policy.EnforcementDeny, ExemptUsers: []string{"flux"}},
			req:  scaleRequest(t, deployments, "web", 3, 5, asUser("flux")),
			want: DecisionExempt,
		},
		{
			name: "exempt group",
			opts: Options{Enforcement: policy.EnforcementDeny, ExemptGroups: []string{"system:serviceaccounts:kube-system"}},
			req:  scaleRequest(t, deployments, "web", 3, 5, asUser("system:serviceaccount:kube-system:horizontal-pod-autoscaler", "system:serviceaccounts:kube-system")),
			want: DecisionExempt,
		},
		{
			name: "untracked object",
			req:  scaleRequest(t, deployments, "other", 3, 5),
			want: DecisionUntracked,
		},
		{
			name: "skipped object",
			req:  scaleRequest(t, deployments, "skipped", 1, 5),
			want: DecisionUntracked,
		},
		{
			name: "Git has no StatefulSet of the Deployment's name",
			req:  scaleRequest(t, appsV1("statefulsets"), "web", 3, 5),
			want: DecisionUntracked,
		},
		{
			name: "custom resource's scale is not judged",
			req:  scaleRequest(t, metav1.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "deployments"}, "web", 3, 5),
			want: DecisionUntracked,
		},
		{
			name: "other subresources are not judged",
			req:  scaleRequest(t, deployments, "web", 3, 5, subresource("status")),
			want: DecisionUntracked,
		},
		{
			name: "only an update changes a scale",
			req:  scaleRequest(t, deployments, "web", 3, 5, withOperation(admissionv1.Connect)),
			want: DecisionAllowed,
		},
		{
			name:         "StatefulSet",
			req:          scaleRequest(t, appsV1("statefulsets"), "db", 2, 1),
			want:         DecisionWarned,
			wantWarnings: []string{"gitops-drift: StatefulSet default/db spec.replicas: Git has 2, change sets 1"},
		},
		{
			name:         "ReplicaSet",
			req:          scaleRequest(t, appsV1("replicasets"), "cache", 1, 3),
			want:         DecisionWarned,
			wantWarnings: []string{"gitops-drift: ReplicaSet default/cache spec.replicas: Git has 1, change sets 3"},
		},
		{
			name:         "ReplicationController, in the core group",
			req:          scaleRequest(t, coreV1("replicationcontrollers"), "old", 4, 2),
			want:         DecisionWarned,
			wantWarnings: []string{"gitops-drift: ReplicationController default/old spec.replicas: Git has 4, change sets 2"},
		},
		{
			name:         "a request that is not a Scale cannot be judged",
			req:          notScale,
			want:         DecisionError,
			wantWarnings: []string{"gitops-drift: could not judge this change: scale subresource: want a Scale, the request has a Deployment"},
		},
		{
			name:         "an undecodable Scale cannot be judged",
			req:          badJSON,
			want:         DecisionError,
			wantWarnings: []string{"gitops-drift: could not judge this change: decode object: ..."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs capture.JSONLog
			reg := prometheus.NewRegistry()
			m, err := metrics.New(reg)
			if err != nil {
				t.Fatal(err)
			}
			tt.opts.Log, tt.opts.Metrics = logs.Logger(t), m
			resp := NewHandler(storeOf(d), tt.opts).Handle(t.Context(), tt.req)

			wantCode := tt.wantCode
			if wantCode == 0 {
				wantCode = http.StatusOK
			}
			if resp.Allowed != (wantCode == http.StatusOK) || resp.Result.Code != wantCode {
				t.Errorf("allowed %v, code %d; want code %d (result %+v)", resp.Allowed, resp.Result.Code, wantCode, resp.Result)
			}
			if diff := cmp.Diff(tt.wantWarnings, resp.Warnings, cmp.Comparer(func(a, b string) bool { return ellipsisMatch(a, b) || ellipsisMatch(b, a) })); diff != "" {
				t.Errorf("warnings mismatch (-want +got):\n%s", diff)
			}
			for _, s := range tt.wantMessage {
				if !strings.Contains(resp.Result.Message, s) {
					t.Errorf("message %q lacks %q", resp.Result.Message, s)
				}
			}
			if got := decisionCount(t, reg, tt.want); got != 1 {
				t.Errorf("decisions{decision=%q} = %v, want 1", tt.want, got)
			}
			var audited []Decision
			for _, l := range logs.Lines() {
				if l["msg"] == auditMessage {
					audited = append(audited, Decision(l[logDecision].(string)))
				}
			}
			var wantAudited []Decision
			switch tt.want {
			case DecisionWarned, DecisionDenied, DecisionAudited, DecisionStale:
				wantAudited = []Decision{tt.want}
			}
			if diff := cmp.Diff(wantAudited, audited); diff != "" {
				t.Errorf("audit lines mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHandleScaleAuditLine checks the audit line of a scale: the user and groups who scaled,
// the subresource, the object scaled and the replicas.
func TestHandleScaleAuditLine(t *testing.T) {
	var logs capture.JSONLog
	h := NewHandler(storeOf(compileDir(t, "testdata/scale")), Options{Log: logs.Logger(t)})
	h.Handle(t.Context(), scaleRequest(t, appsV1("deployments"), "web", 3, 5, asUser("bob", "ops", "system:authenticated")))
	lines := logs.Lines()
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1: %v", len(lines), lines)
	}
	got := lines[0]
	delete(got, "logger")
	delete(got, "level")
	want := map[string]any{
		"msg":       auditMessage,
		"uid":       "uid-scale",
		"user":      "bob",
		"groups":    []any{"ops", "system:authenticated"},
		"operation": "UPDATE",
		"resource":  "apps/v1/deployments/scale",
		"kind":      "Deployment",
		"namespace": "default",
		"name":      "web",
		"dryRun":    false,
		"decision":  "warned",
		"revision":  testRevision,
		"fields":    []any{map[string]any{"path": "spec.replicas", "desired": "3", "live": "5"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit line mismatch (-want +got):\n%s", diff)
	}
}

func TestScaleKey(t *testing.T) {
	tests := []struct {
		res    metav1.GroupVersionResource
		want   string // the key's String(); "" for none
		wantOK bool
	}{
		{res: appsV1("deployments"), want: "Deployment default/web", wantOK: true},
		{res: appsV1("statefulsets"), want: "StatefulSet default/web", wantOK: true},
		{res: appsV1("replicasets"), want: "ReplicaSet default/web", wantOK: true},
		{res: coreV1("replicationcontrollers"), want: "ReplicationController default/web", wantOK: true},
		{res: metav1.GroupVersionResource{Group: "extensions", Version: "v1beta1", Resource: "deployments"}},
		{res: metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "daemonsets"}},
		{res: metav1.GroupVersionResource{Group: "example.com", Version: "v1", Resource: "widgets"}},
	}
	for _, tt := range tests {
		t.Run(tt.res.String(), func(t *testing.T) {
			req := scaleRequest(t, appsV1("deployments"), "web", 1, 2, withResource(tt.res))
			k, ok := scaleKey(&req.AdmissionRequest)
			got := ""
			if ok {
				got = k.String()
			}
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("scaleKey = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
			if ok && k.Group != tt.res.Group {
				t.Errorf("key group %q; want the resource's, %q", k.Group, tt.res.Group)
			}
		})
	}
}
