package auditor

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const projectDesired = `
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
metadata: {name: skipped, annotations: {drift.gitops.io/skip: "true"}}
`

// TestViewKeep checks what the informers' transform keeps of an object: for an object Git does
// not track (or skips), its identity and version only; for a tracked one, the fields Git sets
// and those a hand-edit manager owns (not other managers' fields, not status), managedFields
// compacted. Projecting again keeps the same (an informer may transform an
// object twice).
func TestViewKeep(t *testing.T) {
	tests := []struct {
		name string
		live string
		want map[string]any
	}{
		{
			name: "an untracked Secret: a stub, without its data",
			live: `
apiVersion: v1
kind: Secret
metadata: {name: sh.helm.release.v1.web.v1, namespace: ns, uid: u-2, resourceVersion: "9", labels: {owner: helm}}
type: helm.sh/release.v1
data: {release: SDRzSUFBQUFBQUFB}
`,
			want: map[string]any{"apiVersion": "v1", "kind": "Secret",
				"metadata": map[string]any{"name": "sh.helm.release.v1.web.v1", "namespace": "ns", "uid": "u-2", "resourceVersion": "9"}},
		},
		{
			name: "an object of a tracked name in another namespace: a stub",
			live: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: other, uid: u-3, resourceVersion: "4", generation: 2}
spec: {replicas: 1}
status: {replicas: 1}
`,
			want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": map[string]any{"name": "web", "namespace": "other", "uid": "u-3", "resourceVersion": "4"}},
		},
		{
			name: "a skipped object: a stub",
			live: `
apiVersion: v1
kind: ConfigMap
metadata: {name: skipped, namespace: ns, uid: u-4, resourceVersion: "5"}
data: {big: value}
`,
			want: map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "skipped", "namespace": "ns", "uid": "u-4", "resourceVersion": "5"}},
		},
		{
			name: "a tracked Deployment: what Git sets and hand edits, no status, managedFields compacted",
			live: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  uid: u-1
  resourceVersion: "7"
  generation: 3
  managedFields:
    - {manager: kubectl-client-side-apply, operation: Update, apiVersion: apps/v1, fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:replicas": {}}}}
    - {manager: kubectl-patch, operation: Update, apiVersion: apps/v1, fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:paused": {}}}}
    - {manager: kube-controller-manager, operation: Update, apiVersion: apps/v1, fieldsType: FieldsV1, subresource: status, fieldsV1: {"f:status": {}}}
  labels: {team: other}
spec:
  replicas: 1
  paused: true
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
status: {replicas: 1, readyReplicas: 1}
`,
			want: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
				"metadata": map[string]any{"name": "web", "namespace": "ns", "uid": "u-1", "resourceVersion": "7", "generation": int64(3),
					"managedFields": []any{
						map[string]any{"manager": "kubectl-client-side-apply", "operation": "Update", "fieldsV1": `{"f:spec":{"f:replicas":{}}}`},
						map[string]any{"manager": "kubectl-patch", "operation": "Update", "fieldsV1": `{"f:spec":{"f:paused":{}}}`},
					}},
				"spec": map[string]any{
					"paused":   true, // a hand edit's: Git does not set it
					"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
					"template": map[string]any{
						"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
						"spec":     map[string]any{"containers": []any{map[string]any{"name": "web", "image": "nginx:1.25"}}},
					},
				}},
		},
	}
	v := &view{d: compileOffline(t, projectDesired), self: "gitops-drift"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.keep(liveObject(t, tt.live))
			read := got.Object // as the auditor reads it: resolved against Want
			if tg := v.target(got.Object); tg != nil {
				read = tg.Resolve(got.Object)
			}
			if diff := cmp.Diff(tt.want, read); diff != "" {
				t.Errorf("kept, resolved (-want +got):\n%s", diff)
			}
			again := v.keep(&unstructured.Unstructured{Object: got.DeepCopy().Object})
			if diff := cmp.Diff(got.Object, again.Object); diff != "" {
				t.Errorf("kept again (-once +twice):\n%s", diff)
			}
		})
	}
}

// TestViewKeepNil checks that without a desired state the transform keeps objects whole,
// managedFields compacted, rather than as stubs that would all drift.
func TestViewKeepNil(t *testing.T) {
	var v *view
	u := liveObject(t, `
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: ns, managedFields: [{manager: m, operation: Update, apiVersion: v1, fieldsType: FieldsV1, fieldsV1: {"f:data": {}}}]}
data: {k: v}
`)
	want := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "c", "namespace": "ns", "managedFields": []any{map[string]any{"manager": "m", "operation": "Update", "fieldsV1": `{"f:data":{}}`}}},
		"data":     map[string]any{"k": "v"}}
	if diff := cmp.Diff(want, v.keep(u).Object); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
}

// TestViewKeepShares checks that the projections of a view share one copy of each string of
// their compacted managedFields but the times, also across a collection (which forgets
// unique's copies that nothing holds): an object updated later shares it too. The object
// drifts (another image): of one in sync the cache keeps the identity alone.
func TestViewKeepShares(t *testing.T) {
	const live = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  uid: u-1
  resourceVersion: "%d"
  managedFields:
    - {manager: kubectl-client-side-apply, operation: Update, apiVersion: apps/v1, time: "2026-11-24T10:00:0%[1]dZ", fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:replicas": {}}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.26"}]
`
	entry := func(u *unstructured.Unstructured) map[string]any {
		return u.Object["metadata"].(map[string]any)["managedFields"].([]any)[0].(map[string]any)
	}
	v := &view{d: compileOffline(t, projectDesired), self: "gitops-drift"}
	first := entry(v.keep(liveObject(t, fmt.Sprintf(live, 1))))
	runtime.GC()
	later := entry(v.keep(liveObject(t, fmt.Sprintf(live, 2))))
	for _, k := range []string{"fieldsV1", "manager", "operation"} {
		a, b := first[k].(string), later[k].(string)
		if a != b || unsafe.StringData(a) != unsafe.StringData(b) {
			t.Errorf("%s: %q and %q are not one shared copy", k, a, b)
		}
	}
}
