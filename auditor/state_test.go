package auditor

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

const stateBase = `
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {k: v}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {k: v}
`

// TestNewStateAcrossReloads checks what a reload keeps of the state before it: the results
// of the targets that did not change, and which cached copies may be too narrow and list
// again.
func TestNewStateAcrossReloads(t *testing.T) {
	configMaps := scope{gvk: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, namespace: "ns"}
	secrets := scope{gvk: schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, namespace: "ns"}
	tests := []struct {
		name       string
		after      string
		wantKept   []string // targets whose result is kept
		wantRelist map[scope][]string
	}{
		{
			name:       "nothing changed",
			after:      stateBase,
			wantKept:   []string{"a", "b", "s"},
			wantRelist: map[scope][]string{},
		},
		{
			// Its cached copy marks what equals the old value (diff.Project).
			name:       "a value changed",
			after:      replace(stateBase, "metadata: {name: a}\ndata: {k: v}", "metadata: {name: a}\ndata: {k: w}"),
			wantKept:   []string{"b", "s"},
			wantRelist: map[scope][]string{configMaps: {"a"}},
		},
		{
			name:       "a key added",
			after:      replace(stateBase, "metadata: {name: a}\ndata: {k: v}", "metadata: {name: a}\ndata: {k: v, l: w}"),
			wantKept:   []string{"b", "s"},
			wantRelist: map[scope][]string{configMaps: {"a"}},
		},
		{
			name:       "an object added",
			after:      stateBase + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			wantKept:   []string{"a", "b", "s"},
			wantRelist: map[scope][]string{configMaps: {"c"}},
		},
		{
			name:       "a ConfigMap dropped: its copy is wider than needed, and stays",
			after:      replace(stateBase, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: v}\n---", ""),
			wantKept:   []string{"a", "s"},
			wantRelist: map[scope][]string{},
		},
		{
			name:       "a Secret dropped: its data keys must go",
			after:      replace(stateBase, "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n", ""),
			wantKept:   []string{"a", "b"},
			wantRelist: map[scope][]string{secrets: {"s"}},
		},
		{
			name:       "a Secret skipped: as dropped",
			after:      replace(stateBase, "metadata: {name: s}", "metadata: {name: s, annotations: {drift.gitops.io/skip: \"true\"}}"),
			wantKept:   []string{"a", "b"},
			wantRelist: map[scope][]string{secrets: {"s"}},
		},
	}
	h := newHasher()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev, relist := newState(compileOffline(t, stateBase), h, nil)
			if len(relist) != 0 {
				t.Errorf("first state: relist %v, want none (no informer runs yet)", relist)
			}
			for i := range prev.entries {
				prev.entries[i].evaluated, prev.entries[i].rv = true, "1"
			}
			st, relist := newState(compileOffline(t, tt.after), h, prev)
			var kept []string
			for i, e := range st.entries {
				if e.evaluated {
					kept = append(kept, st.targets[i].Key.Name)
				}
			}
			if diff := cmp.Diff(tt.wantKept, kept); diff != "" {
				t.Errorf("results kept (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRelist, relist, cmp.AllowUnexported(scope{})); diff != "" {
				t.Errorf("relist (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEntryEvaluate checks that a result is reused exactly while the live object's
// resourceVersion is the same, and that errors and missing objects are checked every time.
func TestEntryEvaluate(t *testing.T) {
	d := compileOffline(t, stateBase)
	tg := &d.Targets[0] // ConfigMap a, data {k: v}
	cm := func(rv, value string) cluster.Live {
		return cluster.Live{Object: &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "a", "namespace": "ns", "resourceVersion": rv},
			"data":     map[string]any{"k": value},
		}}}
	}
	type step struct {
		live       cluster.Live
		wantStatus report.Status
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the same resourceVersion gives the kept result, even if the content differs", []step{
			{cm("1", "v"), report.StatusInSync},
			{cm("1", "x"), report.StatusInSync},
		}},
		{"a new resourceVersion is diffed", []step{
			{cm("1", "v"), report.StatusInSync},
			{cm("2", "x"), report.StatusDrifted},
			{cm("2", "v"), report.StatusDrifted},
			{cm("3", "v"), report.StatusInSync},
		}},
		{"an error is checked again, and forgets the result", []step{
			{cm("1", "x"), report.StatusDrifted},
			{cluster.Live{Err: errors.New("boom")}, report.StatusError},
			{cm("1", "v"), report.StatusInSync},
		}},
		{"a missing object is checked again, and forgets the result", []step{
			{cm("1", "x"), report.StatusDrifted},
			{cluster.Live{}, report.StatusMissing},
			{cm("1", "v"), report.StatusInSync},
		}},
		{"an object without resourceVersion is never reused", []step{
			{cm("", "x"), report.StatusDrifted},
			{cm("", "v"), report.StatusInSync},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e entry
			for i, s := range tt.steps {
				if got := e.evaluate(tg, s.live.Object, s.live.Err, check.Options{DryRun: true}).Status; got != s.wantStatus {
					t.Errorf("step %d: status %s, want %s", i, got, s.wantStatus)
				}
			}
		})
	}
}

// TestTrackNewRun checks that a new run of the auditor (Start makes new caches) projects by
// the state it keeps, and keeps its records: the caches of a run that never saw a view
// would keep untracked objects whole.
func TestTrackNewRun(t *testing.T) {
	d := compileOffline(t, stateBase)
	a := New(&rest.Config{Host: "http://127.0.0.1:1"}, nil, Options{})
	newRun := func() *live {
		return newLive(t.Context(), a.cfg, a.opts.Cache, time.Second, a.opts.FieldManager, func(schema.GroupVersionKind, any) {})
	}
	a.live = newRun()
	st := a.track(d)
	st.entries[0].rec = record{status: report.StatusDrifted, drift: 42}
	a.live = newRun()
	if got := a.track(d); got != st || got.entries[0].rec.drift != 42 {
		t.Errorf("the new run's state is a new one (%v) or lost its records", got != st)
	}
	if !a.live.tracks(d) {
		t.Error("the new run's transform does not project by the state")
	}
}
