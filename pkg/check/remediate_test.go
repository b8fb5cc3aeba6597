package check_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// offlineDesired compiles manifests without an API server.
func offlineDesired(t *testing.T, manifests string) *check.Desired {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(manifests)}}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, "rev", schema.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// liveMap is a LiveSource of live objects by name; names it lacks are missing.
type liveMap map[string]map[string]any

func (m liveMap) Fetch(_ context.Context, desired []*unstructured.Unstructured) []cluster.Live {
	out := make([]cluster.Live, len(desired))
	for i, d := range desired {
		if obj, ok := m[d.GetName()]; ok {
			out[i].Object = &unstructured.Unstructured{Object: obj}
		}
	}
	return out
}

// fakeRemediator records the objects it is asked to repair and fails those named in fail.
type fakeRemediator struct {
	calls []string
	fail  map[string]error
}

func (f *fakeRemediator) Remediate(_ context.Context, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	f.calls = append(f.calls, t.Key.String())
	if err := f.fail[t.Key.Name]; err != nil {
		return check.Remediation{}, err
	}
	if live == nil {
		return check.Remediation{Created: true}, nil
	}
	return check.Remediation{Fields: t.Compare(live.Object)}, nil
}

const runManifests = `
apiVersion: v1
kind: ConfigMap
metadata: {name: drifted, namespace: app}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: missing, namespace: app}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: alert, namespace: app, annotations: {drift.gitops.io/remediation-policy: alert}}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken, namespace: app}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: same, namespace: app}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: skipped, namespace: app, annotations: {drift.gitops.io/skip: "true"}}
data: {a: "1"}
---
apiVersion: v1
kind: Namespace
metadata: {name: app}
`

func cm(name, a string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name, "namespace": "app"}, "data": map[string]any{"a": a}}
}

func TestRunRemediates(t *testing.T) {
	live := liveMap{
		"drifted": cm("drifted", "2"), "alert": cm("alert", "2"), "broken": cm("broken", "2"),
		"same": cm("same", "1"), "skipped": cm("skipped", "2"),
	}
	type result struct {
		Status report.Status
		Action report.Action
		Fields int
		Error  string
	}
	tests := []struct {
		name      string
		opts      func(*fakeRemediator) check.Options
		wantCalls []string
		want      map[string]result
	}{
		{
			name: "remediator",
			opts: func(f *fakeRemediator) check.Options { return check.Options{Remediator: f} },
			// The Namespace first, then the Set's order; never the in-sync, alert or skipped.
			wantCalls: []string{"Namespace app", "ConfigMap app/broken", "ConfigMap app/drifted", "ConfigMap app/missing"},
			want: map[string]result{
				"app":     {Status: report.StatusMissing, Action: report.ActionCreated},
				"alert":   {Status: report.StatusDrifted, Action: report.ActionBlocked, Fields: 2}, // data.a and its annotation
				"broken":  {Status: report.StatusDrifted, Action: report.ActionRemediationFailed, Fields: 1, Error: "boom"},
				"drifted": {Status: report.StatusDrifted, Action: report.ActionRemediated, Fields: 1},
				"missing": {Status: report.StatusMissing, Action: report.ActionCreated},
				"same":    {Status: report.StatusInSync},
			},
		},
		{
			name:      "dry run wins over a remediator",
			opts:      func(f *fakeRemediator) check.Options { return check.Options{DryRun: true, Remediator: f} },
			wantCalls: nil,
			want: map[string]result{
				"app":     {Status: report.StatusMissing, Action: report.ActionDryRun},
				"alert":   {Status: report.StatusDrifted, Action: report.ActionDryRun, Fields: 2},
				"broken":  {Status: report.StatusDrifted, Action: report.ActionDryRun, Fields: 1},
				"drifted": {Status: report.StatusDrifted, Action: report.ActionDryRun, Fields: 1},
				"missing": {Status: report.StatusMissing, Action: report.ActionDryRun},
				"same":    {Status: report.StatusInSync},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rem := &fakeRemediator{fail: map[string]error{"broken": errors.New("boom")}}
			r := check.Run(t.Context(), offlineDesired(t, runManifests), live, tt.opts(rem))
			if diff := cmp.Diff(tt.wantCalls, rem.calls); diff != "" {
				t.Errorf("remediator calls (-want +got):\n%s", diff)
			}
			got := map[string]result{}
			for _, res := range r.Resources {
				got[res.Name] = result{Status: res.Status, Action: res.Action, Fields: len(res.Fields), Error: res.Error}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRemediateFields checks that a remediated resource reports the fields the Remediator
// restored, which may differ from those first found when it read the object again.
func TestRemediateFields(t *testing.T) {
	d := offlineDesired(t, runManifests)
	tg, _ := d.Lookup(manifest.Key{Kind: "ConfigMap", Namespace: "app", Name: "drifted"})
	restored := []diff.Field{{Path: "data.a", Desired: "1", Live: "3"}}
	r := report.Resource{Status: report.StatusDrifted, Fields: []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}}
	check.Remediate(t.Context(), remediatorFunc(func() (check.Remediation, error) {
		return check.Remediation{Fields: restored}, nil
	}), tg, &unstructured.Unstructured{Object: cm("drifted", "2")}, &r)
	want := report.Resource{Status: report.StatusDrifted, Action: report.ActionRemediated, Fields: restored}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRemediateResolvedMeanwhile checks that a Remediator that wrote nothing, because the
// copy it read again no longer drifted, is not reported as a remediation: the resource keeps
// the drift it was found with, and says it was gone before the write.
func TestRemediateResolvedMeanwhile(t *testing.T) {
	d := offlineDesired(t, runManifests)
	tg, _ := d.Lookup(manifest.Key{Kind: "ConfigMap", Namespace: "app", Name: "drifted"})
	found := []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}
	r := report.Resource{Status: report.StatusDrifted, Fields: found}
	check.Remediate(t.Context(), remediatorFunc(func() (check.Remediation, error) {
		return check.Remediation{}, nil
	}), tg, &unstructured.Unstructured{Object: cm("drifted", "2")}, &r)
	want := report.Resource{Status: report.StatusDrifted, Action: report.ActionResolvedMeanwhile, Fields: found}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

type remediatorFunc func() (check.Remediation, error)

func (f remediatorFunc) Remediate(context.Context, *check.Target, *unstructured.Unstructured) (check.Remediation, error) {
	return f()
}

func TestRemediateContested(t *testing.T) {
	d := offlineDesired(t, runManifests)
	tg, _ := d.Lookup(manifest.Key{Kind: "ConfigMap", Namespace: "app", Name: "drifted"})
	tests := []struct {
		manager string
		want    report.Action
	}{
		{"fighter", "remediation-contested (by fighter)"},
		{"", "remediation-contested"},
	}
	for _, tt := range tests {
		r := report.Resource{Status: report.StatusDrifted, Fields: []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}}
		check.Remediate(t.Context(), remediatorFunc(func() (check.Remediation, error) {
			return check.Remediation{}, fmt.Errorf("gate: %w", &check.ContestedError{Manager: tt.manager})
		}), tg, &unstructured.Unstructured{Object: cm("drifted", "2")}, &r)
		if r.Action != tt.want || r.Error != "" || len(r.Fields) != 1 || !r.Action.IsContested() {
			t.Errorf("manager %q: action %q, error %q, %d fields; want %q, no error, the drifted field", tt.manager, r.Action, r.Error, len(r.Fields), tt.want)
		}
	}
}
