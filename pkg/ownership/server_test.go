package ownership_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestOwnersOfKubectlEdits edits a Deployment applied with kubectl the ways people do by hand
// and asks the real server's managedFields who owns each edited field, before and after
// Compact.
func TestOwnersOfKubectlEdits(t *testing.T) {
	f := drifttest.Apply(t, env, `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25", ports: [{containerPort: 8080}]}
        - {name: log, image: "busybox:1.36"}
`)
	f.Kubectl(t, "scale", "deployment/web", "--replicas=12")
	f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
	f.Kubectl(t, "label", "deployment/web", "team=blue")
	f.Kubectl(t, "rollout", "restart", "deployment/web")
	live := f.Live(t)["Deployment/web"]

	want := map[string]string{
		"spec.replicas": "kubectl /scale",
		"spec.template.spec.containers[name=web].image":                                           "kubectl-set",
		"metadata.labels.team":                                                                    "kubectl-label",
		`spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`:                 "kubectl-rollout",
		"spec.template.spec.containers[name=log].image":                                           "kubectl-client-side-apply",
		"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].protocol": "kubectl-client-side-apply",
	}
	check := func(t *testing.T, obj *unstructured.Unstructured) {
		t.Helper()
		owners, err := ownership.FromObject(obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for p := range want {
			path, err := diff.ParsePath(p)
			if err != nil {
				t.Fatal(err)
			}
			who, rel := owners.Of(path)
			if rel != ownership.Exact || len(who) != 1 {
				t.Errorf("Of(%s) = %v, %s; want one exact owner", p, who, rel)
				continue
			}
			got[p] = who[0].Manager
			if who[0].Subresource != "" {
				got[p] += " /" + who[0].Subresource
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("owners (-want +got):\n%s", diff)
		}
	}
	check(t, live)
	compact := live.DeepCopy()
	ownership.Compact(compact.Object, "gitops-drift")
	check(t, compact)
}
