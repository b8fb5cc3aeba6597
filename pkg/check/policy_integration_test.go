package check_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

func TestNamespaceLabel(t *testing.T) {
	name := fmt.Sprintf("ns-label-%d", time.Now().UnixNano()%100000)
	f := drifttest.Apply(t, env, fmt.Sprintf(`
apiVersion: v1
kind: Namespace
metadata: {name: %s, labels: {env: production}}
`, name))
	if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
		t.Fatalf("drift right after apply (-want +got):\n%s", diff)
	}
	f.Env.KubectlT(t, "", "label", "namespace", name, "env=staging", "--overwrite")
	r := f.Check(t)
	if diff := cmp.Diff([]string{"Namespace/" + name + " metadata.labels.env"}, drifttest.Drifted(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ns := r.Resources[0].Namespace; ns != "" {
		t.Errorf("a Namespace got namespace %q", ns)
	}
}

func TestSecretValuesNeverPrinted(t *testing.T) {
	const desiredPlain, livePlain = "s3cr3t-desired-value", "h4x0r-live-value"
	f := drifttest.Apply(t, env, `
apiVersion: v1
kind: Secret
metadata: {name: creds}
type: Opaque
stringData: {password: `+desiredPlain+`}
data: {token: ZGVzaXJlZC10b2tlbg==}
`)
	if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
		t.Fatalf("stringData against live data drifted (-want +got):\n%s", diff)
	}
	f.Kubectl(t, "patch", "secret/creds", "--type", "merge", "-p", `{"stringData":{"password":"`+livePlain+`"}}`)
	r := f.Check(t)
	if diff := cmp.Diff([]string{"Secret/creds stringData.password"}, drifttest.Drifted(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var out bytes.Buffer
	if err := report.Text(&out, r); err != nil {
		t.Fatal(err)
	}
	if err := report.JSON(&out, r); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{desiredPlain, livePlain, "desired-token", "ZGVzaXJlZC10b2tlbg", "aDR4MHI"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("report shows secret value %q:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), "redacted") {
		t.Errorf("report does not show the masked values:\n%s", out.String())
	}
}

func TestIgnoreAndSkip(t *testing.T) {
	f := drifttest.Apply(t, env, drifttest.Deployment+`---
apiVersion: v1
kind: ConfigMap
metadata:
  name: skipped
  annotations: {drift.gitops.io/skip: "true"}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: partly
  annotations: {drift.gitops.io/ignore-fields: "data.b"}
data: {a: "1", b: "2"}
`)
	f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19", "log=busybox:1.0")
	f.Kubectl(t, "scale", "deployment/web", "--replicas=7")
	f.Kubectl(t, "patch", "configmap/skipped", "--type", "merge", "-p", `{"data":{"a":"changed"}}`)
	f.Kubectl(t, "patch", "configmap/partly", "--type", "merge", "-p", `{"data":{"b":"changed"}}`)

	r := f.Check(t, "spec.template.spec.containers[*].image")
	if diff := cmp.Diff([]string{"Deployment/web spec.replicas"}, drifttest.Drifted(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, res := range r.Resources {
		if res.Name == "skipped" {
			t.Errorf("skipped resource is in the report: %+v", res)
		}
	}
	if r.Summary.Resources != 2 {
		t.Errorf("resources checked = %d, want 2 (the skipped one is not checked)", r.Summary.Resources)
	}
}

func TestMissing(t *testing.T) {
	f := drifttest.Apply(t, env, `
apiVersion: v1
kind: ConfigMap
metadata: {name: here}
data: {a: "1"}
`)
	f.Kubectl(t, "delete", "configmap/here")
	r := f.Check(t)
	if diff := cmp.Diff([]string{"ConfigMap/here missing "}, drifttest.Drifted(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r.Summary.Missing != 1 {
		t.Errorf("summary = %+v, want 1 missing", r.Summary)
	}
}
