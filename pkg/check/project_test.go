package check_test

import (
	"maps"
	goruntime "runtime"
	"slices"
	"testing"
	"unique"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestProjectOffline checks that a projected live object gives the same answers as the object:
// on every object the real API server gave for TestHandEdits's changes, as captured and with
// every value changed, with every list of hand-edit managers, Compare (owners included) and
// CompareRequest of the projection are those of the object.
func TestProjectOffline(t *testing.T) {
	for _, name := range append([]string{appliedCase.name}, slices.Sorted(maps.Keys(liveCases))...) {
		for variant, live := range liveVariants(t, name) {
			for list, manual := range manualLists() {
				t.Run(name+"/"+variant+"/"+list, func(t *testing.T) {
					d := compileOffline(t, handEditApp, manual)
					d.SetSecretKey([]byte("0123456789abcdef0123456789abcdef"))
					for i := range d.Targets {
						tg := &d.Targets[i]
						obj := live[tg.Key.Name]
						before := runtime.DeepCopyJSON(tg.Want())
						marked := tg.Project(obj)
						kept := tg.NoteInSync(marked) // as the auditor's cache keeps it, and Compare reads it
						projected := tg.Resolve(marked)
						want, got := tg.Compare(obj), tg.Compare(kept)
						noSecretShown(t, []any{want, got})
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("%s: Compare (-object +projection):\n%s", tg.Key, diff)
						}
						if diff := cmp.Diff(tg.CompareRequest(obj), tg.CompareRequest(projected)); diff != "" {
							t.Errorf("%s: CompareRequest (-object +projection):\n%s", tg.Key, diff)
						}
						// What the auditor does to its copy, which may hold Want's parts.
						ownership.Compact(projected, "kubectl-client-side-apply")
						if diff := cmp.Diff(before, tg.Want()); diff != "" {
							t.Errorf("%s: projecting changed Want (-before +after):\n%s", tg.Key, diff)
						}
					}
				})
			}
		}
	}
}

// TestProjectHolds checks what a projection keeps: identity and managedFields (compacted),
// the fields Git sets, the values hand-edit managers own where Git sets none; and what it
// does not: the status, the last-applied annotation, defaults nobody edited by hand, a
// Secret's keys Git does not set.
func TestProjectHolds(t *testing.T) {
	tests := []struct {
		name   string
		live   string // a case of liveCases
		object string
		manual []string
		want   string
	}{
		{
			name: "a Deployment as applied: what Git sets, no status, no defaults", live: "applied", object: "scaled",
			manual: check.DefaultManualManagers(),
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: scaled, namespace: demo, uid: UID, resourceVersion: RV, generation: 1}
spec:
  selector: {matchLabels: {app: scaled}}
  template:
    metadata: {labels: {app: scaled}}
    spec:
      containers: [{name: app, image: "nginx:1.25"}]
`,
		},
		{
			name: "a container added by hand is kept whole", live: "other-managers", object: "app",
			manual: []string{"sidecar-injector"},
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: demo, uid: UID, resourceVersion: RV, generation: 2, labels: {app: app, injected: "yes"}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - {name: proxy, image: "envoy:1.30", imagePullPolicy: IfNotPresent, resources: {}, terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}
        - {name: app, image: "nginx:1.25", env: [{name: MODE, value: git}]}
`,
		},
		{
			name: "the same container, nobody's hand edit: its key alone", live: "other-managers", object: "app",
			manual: check.DefaultManualManagers(),
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: demo, uid: UID, resourceVersion: RV, generation: 2, labels: {app: app}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers:
        - {name: proxy}
        - {name: app, image: "nginx:1.25", env: [{name: MODE, value: git}]}
`,
		},
		{
			name: "a Secret: the keys Git sets", live: "secret-data-key", object: "creds",
			manual: nil,
			want: `
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: demo, uid: UID, resourceVersion: RV}
data: {user: YWRtaW4=}
`,
		},
		{
			name: "a Secret: and a key added by hand", live: "secret-data-key", object: "creds",
			manual: check.DefaultManualManagers(),
			want: `
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: demo, uid: UID, resourceVersion: RV}
data: {user: YWRtaW4=, token: czNjcjN0LXQwa2Vu}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compileOffline(t, handEditApp, tt.manual)
			live := liveObjects(t, tt.live)[tt.object]
			var tg *check.Target
			for i := range d.Targets {
				if d.Targets[i].Key.Name == tt.object {
					tg = &d.Targets[i]
				}
			}
			got := tg.Resolve(tg.Project(live))
			md := got["metadata"].(map[string]any)
			if diff := cmp.Diff(ownership.Compacted(live), md["managedFields"]); diff != "" {
				t.Errorf("managedFields (-compacted +projected):\n%s", diff)
			}
			delete(md, "managedFields")
			liveMD := live["metadata"].(map[string]any)
			want := yamlObject(t, tt.want)
			wantMD := want["metadata"].(map[string]any)
			wantMD["uid"], wantMD["resourceVersion"] = liveMD["uid"], liveMD["resourceVersion"]
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("projection (-want +got):\n%s", diff) // the fixtures' Secret data is in Git
			}
		})
	}
}

// TestStub checks that the stub of an untracked object holds its identity and
// resourceVersion, nothing else: an untracked Secret's data never stays in a cache.
func TestStub(t *testing.T) {
	live := liveObjects(t, "secret-data-key")["creds"]
	got := check.Stub(live)
	md := live["metadata"].(map[string]any)
	want := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{
		"name": "creds", "namespace": "demo", "uid": md["uid"], "resourceVersion": md["resourceVersion"]}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Stub (-want +got):\n%s", diff)
	}
	if check.Stub(nil) != nil {
		t.Error("Stub(nil) is not nil")
	}
}

// TestProjectKinds checks, on the real API server, for each kind of test/drifttest's table,
// that the projection of each live object gives the same answers as the object, right after
// kubectl apply and after the table's kubectl change: Compare (fields, paths, values,
// owners) and CompareRequest, with kubectl's hand-edit managers. A projection holds no status.
func TestProjectKinds(t *testing.T) {
	for _, tc := range drifttest.KindCases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			f := drifttest.Apply(t, env, tc.Manifests)
			for _, step := range []string{"applied", "changed"} {
				if step == "changed" {
					for _, args := range tc.Change {
						f.Kubectl(t, args...)
					}
				}
				d := f.Desired(t)
				d.SetSecretKey(check.NewSecretKey())
				live := f.Live(t)
				for i := range d.Targets {
					tg := &d.Targets[i]
					obj, ok := live[tg.Key.Kind+"/"+tg.Key.Name]
					if !ok {
						continue
					}
					marked := tg.Project(obj.Object)
					kept := tg.NoteInSync(marked) // as the auditor's cache keeps it, and Compare reads it
					if inSync := len(tg.Compare(obj.Object)) == 0; check.NotedInSync(kept) != inSync {
						t.Errorf("%s: %s: noted in sync %v, but Compare of the object finds it in sync: %v", step, tg.Key, check.NotedInSync(kept), inSync)
					}
					projected := tg.Resolve(marked)
					if _, ok := projected["status"]; ok {
						t.Errorf("%s: %s: the projection holds a status", step, tg.Key)
					}
					if diff := cmp.Diff(tg.Compare(obj.Object), tg.Compare(kept)); diff != "" {
						t.Errorf("%s: %s: Compare (-object +projection):\n%s", step, tg.Key, diff)
					}
					if diff := cmp.Diff(tg.CompareRequest(obj.Object), tg.CompareRequest(projected)); diff != "" {
						t.Errorf("%s: %s: CompareRequest (-object +projection):\n%s", step, tg.Key, diff)
					}
				}
			}
		})
	}
}

// TestIdentityShared checks that the identity a projection or a stub holds repeats no copy of
// what other objects hold: a projection's apiVersion, kind, name and namespace are Want's
// (equal values), and the apiVersion, kind and namespace of the stubs of two objects of a
// kind, decoded apart, are one shared copy.
func TestIdentityShared(t *testing.T) {
	same := func(a, b any) bool {
		x, okx := a.(string)
		y, oky := b.(string)
		return okx && oky && x == y && unsafe.StringData(x) == unsafe.StringData(y)
	}
	identity := func(obj map[string]any) map[string]any {
		md, _ := obj["metadata"].(map[string]any)
		return map[string]any{"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": md["name"], "namespace": md["namespace"]}
	}
	d := compileOffline(t, handEditApp, nil)
	t.Run("projection", func(t *testing.T) {
		live := liveObjects(t, appliedCase.name)
		for i := range d.Targets {
			tg := &d.Targets[i]
			want, got := identity(tg.Want()), identity(tg.Project(live[tg.Key.Name]))
			for k := range want {
				if !same(want[k], got[k]) {
					t.Errorf("%s: %s is %v, not Want's %v", tg.Key, k, got[k], want[k])
				}
			}
		}
	})
	t.Run("stub", func(t *testing.T) {
		// The shared copies are unique.Make's, which a collection drops when no Handle holds
		// them (the objects hold copies of their values, not Handles): hold them meanwhile.
		held := []unique.Handle[any]{unique.Make[any]("v1"), unique.Make[any]("Secret"), unique.Make[any]("demo")}
		defer goruntime.KeepAlive(held)
		a := identity(check.Stub(liveObjects(t, appliedCase.name)["creds"]))
		b := identity(check.Stub(liveObjects(t, appliedCase.name)["creds"]))
		for _, k := range []string{"apiVersion", "kind", "namespace"} {
			if !same(a[k], b[k]) {
				t.Errorf("%s: %v and %v are not one shared copy", k, a[k], b[k])
			}
		}
	})
}
