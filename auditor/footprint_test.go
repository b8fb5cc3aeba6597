package auditor

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

// cachedObject returns the object named name of kind gvk in namespace ns as the informer's
// store holds it (the cache's reader copies it from there), not the auditor's index of it.
func cachedObject(t *testing.T, a *Auditor, gvk schema.GroupVersionKind, ns, name string) map[string]any {
	t.Helper()
	a.live.mu.Lock()
	sp := a.live.spaces[ns]
	a.live.mu.Unlock()
	if sp == nil {
		t.Fatalf("no cache for namespace %s", ns)
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	if err := sp.cache.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: name}, u); err != nil {
		t.Fatalf("%s %s/%s from the cache: %v", gvk.Kind, ns, name, err)
	}
	return u.Object
}

// TestCacheHoldsProjections checks, in the informers' own stores after the first audit, that
// an untracked Secret is held without its data, a tracked Secret that drifts with only the
// data keys Git sets (not one another manager added), a tracked Deployment that drifts without
// its status, and a tracked ConfigMap in sync as its identity alone (check.Target.NoteInSync).
// The tracked Secret and Deployment drift so that their projections are kept: of an object in
// sync the cache keeps no data and no status whatever the projection would hold.
func TestCacheHoldsProjections(t *testing.T) {
	f := newFixture(t, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
---
apiVersion: v1
kind: Secret
metadata: {name: tracked}
stringData: {user: admin}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settled}
data: {k: v}
`)
	f.kubectl(t, "create", "secret", "generic", "untracked", "--from-literal=release=H4sIAAAAAAAA-not-in-git")
	f.kubectl(t, "label", "secret", "untracked", "owner=helm")
	// A data key Git does not set, written by a manager that is not a hand-edit manager.
	// The key Git sets drifts too ("root"), so that the Secret's projection is kept.
	f.kubectl(t, "patch", "secret", "tracked", "--field-manager=helm", "--type=merge", "-p", `{"data":{"user":"cm9vdA==","extra":"bm90LWluLWdpdA=="}}`)
	f.kubectl(t, "patch", "deployment", "web", "--field-manager=helm", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.26"}]}}}}`)
	f.kubectl(t, "patch", "deployment", "web", "--subresource=status", "--type=merge", "-p", `{"status":{"replicas":1,"observedGeneration":1}}`)
	if got := f.kubectl(t, "get", "deployment", "web", "-o", "jsonpath={.status.replicas}"); got != "1" {
		t.Fatalf("the Deployment's status.replicas is %q on the server, want 1", got)
	}
	a := f.start(t, Options{Interval: time.Hour})

	secret := schema.GroupVersionKind{Version: "v1", Kind: "Secret"}
	untracked := cachedObject(t, a, secret, f.ns, "untracked")
	md, _ := untracked["metadata"].(map[string]any)
	want := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{
		"name": "untracked", "namespace": f.ns, "uid": md["uid"], "resourceVersion": md["resourceVersion"]}}
	if md["uid"] == nil || md["resourceVersion"] == nil {
		t.Errorf("the untracked Secret's stub lacks its uid or resourceVersion: %v", md)
	}
	if diff := cmp.Diff(want, withoutValues(untracked)); diff != "" {
		t.Errorf("cached untracked Secret, values left out (-want +got):\n%s", diff)
	}
	data, ok := cachedObject(t, a, secret, f.ns, "tracked")["data"].(map[string]any)
	if diff := cmp.Diff([]string{"user"}, slices.Sorted(maps.Keys(data))); !ok || diff != "" {
		t.Errorf("the drifted tracked Secret's cached data keys, want only those Git sets (-want +got):\n%s", diff)
	}

	web := cachedObject(t, a, schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, f.ns, "web")
	if _, ok := web["status"]; ok {
		t.Errorf("the drifted tracked Deployment's cached copy has a status: %v", web["status"])
	}
	if web["spec"] == nil || check.NotedInSync(web) {
		t.Errorf("the drifted tracked Deployment's cached copy has no spec, or is noted in sync: %v", web)
	}

	settled := cachedObject(t, a, schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, f.ns, "settled")
	if !check.NotedInSync(settled) || settled["data"] != nil {
		t.Errorf("the ConfigMap in sync is cached as more than its identity, noted in sync: %v", settled)
	}
}

// withoutValues returns a copy of a Secret with "<value>" for each value of its data and
// stringData, so that a failing test does not print them.
func withoutValues(obj map[string]any) map[string]any {
	out := maps.Clone(obj)
	for _, k := range []string{"data", "stringData"} {
		if m, ok := obj[k].(map[string]any); ok {
			masked := map[string]any{}
			for key := range m {
				masked[key] = "<value>"
			}
			out[k] = masked
		}
	}
	return out
}

// TestReloadListsAgain reloads a desired state that needs more of cached objects than the one
// before: a key Git now sets, an object Git now tracks (cached as a stub until then). Their
// drift, and their absence of drift, must be found by the next full audit, without any change
// to the objects (no watch event) and without waiting for a resync.
func TestReloadListsAgain(t *testing.T) {
	f := newFixture(t, `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1", b: live, c: same}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: later}
data: {k: v}
`)
	f.store.Set(f.compile(t, f.ns, `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`))
	f.start(t, Options{Interval: time.Hour})
	if got := f.gauge(t, "in-sync"); got != 1 {
		t.Fatalf("in_sync gauge = %v after the first audit, want 1", got)
	}

	f.store.Set(f.compile(t, f.ns, `
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1", b: git, c: same}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: later}
data: {k: v}
`))
	f.poll(t, "an audit of the new state", 10*time.Second, func() bool {
		return len(f.logs.Find(msgSummary, map[string]any{logResources: float64(2)})) == 1
	})
	sum := f.logs.Find(msgSummary, map[string]any{logResources: float64(2)})[0]
	lines := f.logs.Find(msgDrift, map[string]any{logAuditID: sum[logAuditID]})
	var got []any
	for _, l := range lines {
		fields, _ := l[logFields].([]any)
		for _, fl := range fields { // the owner's time is when kubectl applied: keep its name
			fm := fl.(map[string]any)
			if o, ok := fm["owner"].(map[string]any); ok {
				fm["owner"] = o["manager"]
			}
		}
		got = append(got, map[string]any{"name": l[logName], "fields": fields})
	}
	want := []any{map[string]any{"name": "cfg", "fields": []any{
		map[string]any{"path": "data.b", "desired": "git", "live": "live", "owner": "kubectl-client-side-apply"}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drift after the reload (-want +got):\n%s", diff)
	}
}

// TestFullAuditRediffsWhatChanged checks that a full audit that reuses earlier results still
// finds drift no watch-triggered check has seen (the checks are an hour away here, as if their
// events were lost), drift from a change of Git alone, and logs every drifted resource at every
// full audit while recording its Event once.
func TestFullAuditRediffsWhatChanged(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	a := f.start(t, Options{Interval: time.Hour, Debounce: time.Hour})
	audits := 1
	// reaudit swaps in the desired state of manifests (a new state: a full audit within a
	// second) and waits for that audit; it returns its drift lines by name.
	reaudit := func(manifests string) map[string]map[string]any {
		t.Helper()
		f.store.Set(f.compile(t, f.ns, manifests))
		audits++
		f.poll(t, "the next full audit", 10*time.Second, func() bool { return len(f.logs.Find(msgSummary, nil)) == audits })
		id := f.logs.Find(msgSummary, nil)[audits-1][logAuditID]
		out := map[string]map[string]any{}
		for _, l := range f.logs.Find(msgDrift, map[string]any{logAuditID: id}) {
			out[l[logName].(string)] = l
		}
		return out
	}

	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	rv := f.kubectl(t, "get", "configmap", "auto", "-o", "jsonpath={.metadata.resourceVersion}")
	gvk := schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	f.poll(t, "the change in the informer", 5*time.Second, func() bool {
		u, err := a.live.get(t.Context(), scope{gvk: gvk, namespace: f.ns}, "auto")
		return err == nil && u != nil && u.GetResourceVersion() == rv
	})
	colors := func(lines map[string]map[string]any) map[string]any {
		out := map[string]any{}
		for name, l := range lines {
			fields, _ := l[logFields].([]any)
			for _, fl := range fields {
				fm := fl.(map[string]any)
				out[name] = fm["desired"].(string) + "->" + fm["live"].(string)
			}
		}
		return out
	}
	steps := []struct {
		name      string
		manifests string
		want      map[string]any
	}{
		{"a live change no check has seen", twoConfigMaps, map[string]any{"auto": "blue->red"}},
		{"nothing changed: logged again", twoConfigMaps, map[string]any{"auto": "blue->red"}},
		{"Git changed, not the object", replace(twoConfigMaps, "name: alert\n  annotations: {drift.gitops.io/remediation-policy: alert}\ndata: {color: blue}", "name: alert\n  annotations: {drift.gitops.io/remediation-policy: alert}\ndata: {color: green}"),
			map[string]any{"auto": "blue->red", "alert": "green->blue"}},
	}
	for _, s := range steps {
		if diff := cmp.Diff(s.want, colors(reaudit(s.manifests))); diff != "" {
			t.Errorf("%s: drift (-want +got):\n%s", s.name, diff)
		}
	}
	if got := f.events.reasons("ConfigMap " + f.ns + "/auto"); !slices.Equal(got, []string{ReasonDriftDetected}) {
		t.Errorf("Events about auto: %v, want one DriftDetected", got)
	}
	if lines := f.logs.Find(msgDrift, map[string]any{logTrigger: triggerWatch}); len(lines) != 0 {
		t.Errorf("watch-triggered checks ran, the test proves nothing: %v", lines)
	}
}

// recording is a Remediator that records the live objects it is handed.
type recording struct {
	check.Remediator
	mu   sync.Mutex
	live []*unstructured.Unstructured
}

func (r *recording) Remediate(ctx context.Context, t *check.Target, live *unstructured.Unstructured) (check.Remediation, error) {
	r.mu.Lock()
	r.live = append(r.live, live)
	r.mu.Unlock()
	return r.Remediator.Remediate(ctx, t, live)
}

// TestRemediationReadsWholeObject checks that the Remediator gets the object as the server has
// it, not the cache's projection: managedFields in the API's form, and another writer's label,
// which a replace must carry over.
func TestRemediationReadsWholeObject(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	rem, err := remediate.New(f.client, remediate.Options{Strategy: remediate.StrategyReplace})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recording{Remediator: rem}
	f.kubectl(t, "label", "configmap", "auto", "--field-manager", "other-tool", "team=a")
	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.start(t, Options{Interval: time.Hour, Remediator: rec})
	f.poll(t, "auto remediated", 10*time.Second, func() bool {
		return slices.Contains(f.events.reasons("ConfigMap "+f.ns+"/auto"), ReasonDriftRemediated)
	})
	if got := f.kubectl(t, "get", "configmap", "auto", "-o", "jsonpath={.data.color}/{.metadata.labels.team}"); got != "blue/a" {
		t.Errorf("auto after remediation: color/team label %q, want blue/a", got)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.live) == 0 || rec.live[0] == nil {
		t.Fatalf("the Remediator got %v, want the live object", rec.live)
	}
	live := rec.live[0]
	if live.GetLabels()["team"] != "a" {
		t.Errorf("the Remediator's copy lacks the other writer's label: %v", live.GetLabels())
	}
	mf, _, _ := unstructured.NestedSlice(live.Object, "metadata", "managedFields")
	if len(mf) == 0 {
		t.Fatal("the Remediator's copy has no managedFields")
	}
	for _, e := range mf {
		m := e.(map[string]any)
		if _, ok := m["fieldsV1"].(map[string]any); !ok || m["apiVersion"] == nil || m["fieldsType"] == nil {
			t.Errorf("managedFields entry %v is not in the API's form (the cache's compacted copy?)", m)
		}
	}
}
