package webhook

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// queued returns the records waiting in r's queue, emptying it.
func queued(r *Recorder) []admitted {
	var out []admitted
	for {
		select {
		case a := <-r.queue:
			r.bytes.Add(-a.size)
			out = append(out, a)
		default:
			return out
		}
	}
}

// TestHandlerRecords: which requests the Handler hands its Recorder, and with which decision.
// The Recorder is not started: what it was offered stays in its queue.
func TestHandlerRecords(t *testing.T) {
	d := testDesired(t)
	frontend := func(m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", "frontend", m...)
	}
	image := setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")
	drifted := frontend(image)
	tests := []struct {
		name  string
		mode  policy.Enforcement
		req   admission.Request
		want  []Decision // the decisions of the records offered
		paths []string   // their paths
	}{
		{name: "warned", req: newRequest(t, admissionv1.Update, drifted, frontend()), want: []Decision{DecisionWarned}, paths: []string{"spec.template.spec.containers[name=frontend].image"}},
		{name: "audited", mode: policy.EnforcementAudit, req: newRequest(t, admissionv1.Update, drifted, frontend()), want: []Decision{DecisionAudited}},
		{name: "created drifting", req: newRequest(t, admissionv1.Create, drifted, nil), want: []Decision{DecisionWarned}},
		{name: "exempt user, drifting", req: newRequest(t, admissionv1.Update, drifted, frontend(), asUser("flux", "gitops")), want: []Decision{DecisionExempt}},
		{name: "exempt user, toward Git", req: newRequest(t, admissionv1.Update, frontend(), drifted, asUser("flux", "gitops"))},
		{name: "denied", mode: policy.EnforcementDeny, req: newRequest(t, admissionv1.Update, drifted, frontend())},
		{name: "dry run", req: newRequest(t, admissionv1.Update, drifted, frontend(), dryRun)},
		{name: "deletion", req: newRequest(t, admissionv1.Delete, nil, frontend())},
		{name: "no drift introduced", req: newRequest(t, admissionv1.Update, drifted, drifted)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder(nil, RecorderOptions{})
			h := NewHandler(storeOf(d), Options{Enforcement: tt.mode, ExemptGroups: []string{"gitops"}, Recorder: r})
			h.Handle(t.Context(), tt.req)
			var got []Decision
			for _, a := range queued(r) {
				got = append(got, a.decision)
				if tt.paths != nil {
					if diff := cmp.Diff(tt.paths, paths(a.fields)); diff != "" {
						t.Errorf("paths (-want +got):\n%s", diff)
					}
				}
				if a.user != tt.req.UserInfo.Username || a.kind != "Deployment" || a.apiVersion != "apps/v1" || a.name != "frontend" || len(a.object) == 0 {
					t.Errorf("record %+v: want the request's user, the Deployment frontend and its object", a)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("decisions recorded (-want +got):\n%s", diff)
			}
		})
	}
}

// recordsMetrics returns new metrics and what reads their count of admission records of a
// result.
func recordsMetrics(t *testing.T) (*metrics.Metrics, func(result string) float64) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, func(result string) float64 {
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			for _, s := range mf.GetMetric() {
				if mf.GetName() == "gitops_drift_admission_records_total" && s.GetLabel()[0].GetValue() == result {
					return s.GetCounter().GetValue()
				}
			}
		}
		return 0
	}
}

// fieldsAt returns drifted fields at paths, without values.
func fieldsAt(paths ...string) []diff.Field {
	out := make([]diff.Field, len(paths))
	for i, p := range paths {
		out[i].Path = p
	}
	return out
}

// TestRecorderDrops: a record offered to a full queue, or past MaxQueuedBytes, is dropped and
// counted; the request is answered as before.
func TestRecorderDrops(t *testing.T) {
	d := testDesired(t)
	frontend := func(m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", "frontend", m...)
	}
	req := newRequest(t, admissionv1.Update, frontend(setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")), frontend())
	size := int64(len(req.Object.Raw) + len(req.Options.Raw)) // what a record copies and holds
	tests := []struct {
		name        string
		opts        RecorderOptions
		wantQueued  int
		wantDropped float64
	}{
		{name: "queue of 2", opts: RecorderOptions{QueueSize: 2}, wantQueued: 2, wantDropped: 1},
		{name: "room for one request's bytes", opts: RecorderOptions{MaxQueuedBytes: size}, wantQueued: 1, wantDropped: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, count := recordsMetrics(t)
			tt.opts.Metrics = m
			r := NewRecorder(nil, tt.opts)
			h := NewHandler(storeOf(d), Options{Recorder: r})
			for range 3 {
				if resp := h.Handle(t.Context(), req); !resp.Allowed || len(resp.Warnings) != 1 {
					t.Fatalf("answer %+v, want allowed with a warning", resp.AdmissionResponse)
				}
			}
			if got := len(queued(r)); got != tt.wantQueued {
				t.Errorf("%d records queued, want %d", got, tt.wantQueued)
			}
			if got := count(metrics.RecordDropped); got != tt.wantDropped {
				t.Errorf("dropped counted %v, want %v", got, tt.wantDropped)
			}
		})
	}
}

// TestRequestEntry: the managedFields entry a request updated, as the API server leaves them
// for validating webhooks.
func TestRequestEntry(t *testing.T) {
	at := func(sec int) *metav1.Time { return &metav1.Time{Time: time.Date(2026, 12, 4, 10, 0, sec, 0, time.UTC)} }
	create := managedEntry{Manager: "kubectl-create", Operation: "Update", Time: at(0)}
	set := managedEntry{Manager: "kubectl-set", Operation: "Update", Time: at(5)}
	apply := managedEntry{Manager: "kubectl", Operation: "Apply", Time: at(7)}
	scale := managedEntry{Manager: "kubectl", Operation: "Update", Subresource: "scale", Time: at(9)}
	status := managedEntry{Manager: "kube-controller-manager", Operation: "Update", Subresource: "status", Time: at(9)}
	tests := []struct {
		name         string
		entries      []managedEntry
		sub, manager string
		want         managedEntry
		wantErr      string
	}{
		{name: "the fieldManager's entry", entries: []managedEntry{create, set, apply}, manager: "kubectl-set", want: set},
		{name: "the newest entry without a fieldManager", entries: []managedEntry{create, set, apply, status}, want: apply},
		{name: "a subresource's own entries", entries: []managedEntry{create, scale, apply, status}, sub: "scale", want: scale},
		{name: "no entry of the fieldManager", entries: []managedEntry{create}, manager: "kubectl-set", wantErr: "no managedFields entry"},
		{name: "no managedFields", wantErr: "no managedFields entry"},
		{name: "two managers at the newest second", entries: []managedEntry{create, {Manager: "helm", Operation: "Update", Time: at(5)}, set}, wantErr: "several managedFields entries"},
		{name: "an entry without time", entries: []managedEntry{{Manager: "kubectl-set", Operation: "Update"}}, manager: "kubectl-set", wantErr: "no managedFields entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := requestEntry(tt.entries, tt.sub, tt.manager)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("entry (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAdmittedRecord: the Record of a request reads the object's uid and the entry of the
// fieldManager its options name, and keeps paths only.
func TestAdmittedRecord(t *testing.T) {
	object := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop","uid":"u-1","managedFields":[` +
		`{"manager":"kubectl-create","operation":"Update","time":"2026-12-04T10:00:00Z","fieldsV1":{"f:data":{}}},` +
		`{"manager":"kubectl-edit","operation":"Update","time":"2026-12-04T10:00:07Z","fieldsV1":{"f:data":{"f:password":{}}}}]},` +
		`"data":{"password":"c2VjcmV0"}}`
	a := admitted{
		op: admissionv1.Update, apiVersion: "v1", kind: "Secret", namespace: "shop", name: "db",
		user: "alice@example.com", groups: []string{"dev"},
		object: []byte(object), options: []byte(`{"kind":"UpdateOptions","fieldManager":"kubectl-edit"}`),
		fields: fieldsAt("data.password"),
	}
	got, err := a.record()
	if err != nil {
		t.Fatal(err)
	}
	want := attribution.Record{
		Object: attribution.Object{APIVersion: "v1", Kind: "Secret", Namespace: "shop", Name: "db", UID: types.UID("u-1")},
		User:   "alice@example.com", Groups: []string{"dev"},
		Manager: "kubectl-edit", Operation: "Update", Time: time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC),
		Request: "UPDATE", Paths: []string{"data.password"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	r := NewRecorder(nil, RecorderOptions{Instance: "serve-0"})
	ev, err := r.event(a)
	if err != nil {
		t.Fatal(err)
	}
	if s := ev.Note + ev.Annotations[attribution.Annotation]; strings.Contains(s, "c2VjcmV0") || strings.Contains(s, "secret") {
		t.Errorf("the Event holds the Secret's value: %s", s)
	}
	if _, err := (&admitted{object: []byte(`{"metadata":{}}`)}).record(); err == nil {
		t.Error("a request object without managedFields gave a record")
	}
}

// TestRecordOutlivesRequestMemory: a record offered while serving a request's bytes holds its
// own copy of what it needs (the object's bytes, the strings, the drifted paths) after the
// answer, while the Handler judges further requests in reused memory.
func TestRecordOutlivesRequestMemory(t *testing.T) {
	d := testDesired(t)
	frontend := func(m ...mutator) map[string]any {
		return gitObject(t, d, "apps", "Deployment", "default", "frontend", m...)
	}
	r := NewRecorder(nil, RecorderOptions{})
	h := NewHandler(storeOf(d), Options{Recorder: r})
	first := reviewOf(t, "admission.k8s.io/v1", newRequest(t, admissionv1.Update,
		frontend(setField("spec.template.spec.containers[name=frontend].image", "nginx:1.19")), frontend(), asUser("alice", "dev")))
	if code, _ := serve(t, h, "application/json", first); code != 200 {
		t.Fatalf("status %d", code)
	}
	records := queued(r)
	if len(records) != 1 {
		t.Fatalf("%d records, want 1", len(records))
	}
	want := records[0]
	wantObject := string(want.object)
	wantFields := fmt.Sprint(want.fields)
	// More requests, each of another user and value, judged in whatever memory the pool gives;
	// each no longer than the first, so that it is read into the first one's body buffer.
	for i := range 20 {
		other := reviewOf(t, "admission.k8s.io/v1", newRequest(t, admissionv1.Update,
			frontend(setField("spec.template.spec.containers[name=frontend].image", fmt.Sprintf("x:%d", i))), frontend(),
			asUser(fmt.Sprintf("b%d", i), "o")))
		if len(other) > len(first) {
			t.Fatalf("request %d is longer than the first", i)
		}
		serve(t, h, "application/json", other)
	}
	// And whatever memory the pool holds, whichever P's cache it sits in, overwritten.
	for range 8 {
		m := h.acquire()
		b := m.body[:cap(m.body)]
		for i := range b {
			b[i] = 'x'
		}
	}
	got := want
	if got.user != "alice" || got.groups[0] != "dev" || string(got.object) != wantObject || fmt.Sprint(got.fields) != wantFields ||
		!strings.Contains(wantObject, "nginx:1.19") || !strings.Contains(wantFields, "containers[name=frontend].image") {
		t.Errorf("record changed after later requests: user %q groups %q fields %s, want alice [dev] %s; object changed: %v",
			got.user, got.groups, fmt.Sprint(got.fields), wantFields, string(got.object) != wantObject)
	}
}
