package remediate_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestCreateMissing remediates a desired namespace and the objects in it, none of which
// exist: the Namespace is created first (it sorts after ConfigMap and Deployment), then the
// others, with each strategy.
func TestCreateMissing(t *testing.T) {
	for _, s := range strategies {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			ns := fmt.Sprintf("created-%s-%d", s, time.Now().UnixNano()%100000)
			manifests := strings.ReplaceAll(`
apiVersion: v1
kind: Namespace
metadata: {name: NS, labels: {env: test}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: NS}
data: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: NS}
stringData: {password: s3cr3t}
---
`+strings.Replace(drifttest.Deployment, "name: web\n", "name: web\n  namespace: NS\n", 1), "NS", ns)
			f := newFixture(t, manifests)

			r := f.remediate(t, s, nil)
			want := []string{"ConfigMap/cfg created", "Deployment/web created", "Namespace/" + ns + " created", "Secret/creds created"}
			if diff := cmp.Diff(want, actions(r)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAlertPolicyAndNoDelete remediates a drifted ConfigMap next to a drifted Deployment whose
// remediation policy is "alert", and an object that is not in Git: only the ConfigMap is
// written; the Deployment is reported remediation-blocked and keeps its resourceVersion; the
// extra object is not touched.
func TestAlertPolicyAndNoDelete(t *testing.T) {
	alerting := strings.Replace(drifttest.Deployment, "  labels: {app: web}\n",
		"  labels: {app: web}\n  annotations: {drift.gitops.io/remediation-policy: alert}\n", 1)
	for _, s := range strategies {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			f := apply(t, alerting+`---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`)
			f.Kubectl(t, "create", "configmap", "not-in-git", "--from-literal=b=2")
			f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
			f.Kubectl(t, "patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"a":"2"}}`)
			before := f.resourceVersions(t)
			extra := f.Kubectl(t, "get", "configmap/not-in-git", "-o", "jsonpath={.metadata.resourceVersion}")

			r := f.remediate(t, s, nil)
			want := []string{"ConfigMap/cfg remediated", "Deployment/web drift-detected (remediation-blocked)"}
			if diff := cmp.Diff(want, actions(r)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			want = []string{"Deployment/web spec.template.spec.containers[name=web].image"}
			if diff := cmp.Diff(want, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
			after := f.resourceVersions(t)
			if before["Deployment/web"] != after["Deployment/web"] {
				t.Errorf("blocked Deployment was written: resourceVersion %s -> %s", before["Deployment/web"], after["Deployment/web"])
			}
			if got := f.Kubectl(t, "get", "configmap/not-in-git", "-o", "jsonpath={.metadata.resourceVersion}"); got != extra {
				t.Errorf("object not in Git was written: resourceVersion %s -> %s", extra, got)
			}
		})
	}
}
