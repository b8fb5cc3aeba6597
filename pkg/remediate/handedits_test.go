package remediate_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

const handEdited = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          env: [{name: MODE, value: prod}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`

// TestRemediateHandEdits: with either strategy, remediation removes hand-added fields (an env
// variable, a label, a securityContext, a ConfigMap key) and restores hand-edited defaults
// (imagePullPolicy, strategy), after which the check is clean; a field another manager added
// stays.
func TestRemediateHandEdits(t *testing.T) {
	for _, s := range strategies {
		t.Run(string(s), func(t *testing.T) {
			f := apply(t, handEdited)
			f.Kubectl(t, "set", "env", "deployment/web", "DEBUG=1")
			f.Kubectl(t, "label", "deployment/web", "owner=me")
			f.Kubectl(t, "patch", "deployment/web", "-p", `{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}`)
			f.Kubectl(t, "patch", "deployment/web", "-p",
				`{"spec":{"template":{"spec":{"containers":[{"name":"web","imagePullPolicy":"Always","securityContext":{"privileged":true}}]}}}}`)
			f.Kubectl(t, "patch", "configmap/cfg", "-p", `{"data":{"b":"2"}}`)
			f.Kubectl(t, "annotate", "configmap/cfg", "--field-manager", "some-controller", "controller/seen=yes")

			want := []string{
				"ConfigMap/cfg data.b",
				"Deployment/web metadata.labels.owner",
				"Deployment/web spec.strategy.type",
				"Deployment/web spec.template.spec.containers[name=web].env[name=DEBUG]",
				"Deployment/web spec.template.spec.containers[name=web].imagePullPolicy",
				"Deployment/web spec.template.spec.containers[name=web].securityContext",
			}
			if diff := cmp.Diff(want, sorted(drifttest.Drifted(f.Check(t)))); diff != "" {
				t.Fatalf("drift before remediation (-want +got):\n%s", diff)
			}
			r := f.remediate(t, s, nil)
			if diff := cmp.Diff([]string{"ConfigMap/cfg remediated", "Deployment/web remediated"}, sorted(actions(r))); diff != "" {
				t.Fatalf("actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
			if got := f.Kubectl(t, "get", "deployment/web", "-o", "jsonpath={.spec.strategy.type} {.spec.template.spec.containers[0].imagePullPolicy} {.spec.template.spec.containers[0].env[*].name}"); got != "RollingUpdate IfNotPresent MODE" {
				t.Errorf("strategy, pull policy and env = %q, want RollingUpdate IfNotPresent MODE", got)
			}
			if got := f.Kubectl(t, "get", "configmap/cfg", "-o", `jsonpath={.data.b}/{.metadata.annotations.controller/seen}`); got != "/yes" {
				t.Errorf("ConfigMap key b and the controller's annotation = %q, want b gone and the annotation kept", got)
			}
		})
	}
}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
