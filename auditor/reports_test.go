package auditor

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// reportManifests is desired state in two namespaces and a cluster-scoped object: a
// Deployment and a Secret in the first, two ConfigMaps in the second, a ClusterRole. The
// Secret's value in Git is s3cr3t-git.
const reportManifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: %[1]s}
data: {password: czNjcjN0LWdpdA==}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: flags, namespace: %[2]s}
data: {beta: "false"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: steady, namespace: %[2]s}
data: {color: blue}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: %[3]s}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
`

// secretWords are the Secret's values, in Git and live, plain and base64: none may appear in a
// report.
var secretWords = []string{"s3cr3t", "czNjcjN0"}

// TestPolicyReports runs the auditor with --policy-reports in each API: after an audit there is
// a report in each namespace and a cluster report, with a result per drifted or missing
// resource; the results follow the drift as it changes, and are emptied once remediation has
// repaired it. No Secret value reaches a report.
func TestPolicyReports(t *testing.T) {
	for _, api := range policyreport.APIs {
		t.Run(strings.Split(string(api), "/")[0], func(t *testing.T) { testPolicyReports(t, api) })
	}
}

func testPolicyReports(t *testing.T, api policyreport.API) {
	f := newNamedFixture(t)
	a, b := f.env.Namespace(t), f.env.Namespace(t)
	role := "drift-report-" + a
	f.store.Set(f.desiredNamed(t, fmt.Sprintf(reportManifests, a, b, role)))
	t.Cleanup(func() { _, _, _ = f.env.Run(context.Background(), "", "delete", "clusterrole", role) })
	kubectl := func(args ...string) { f.env.KubectlT(t, "", args...) }
	kubectl("-n", a, "scale", "deployment/web", "--replicas=3")
	kubectl("-n", a, "patch", "secret/db", "--type", "merge", "-p", `{"data":{"password":"czNjcjN0LWxpdmU="}}`)
	kubectl("-n", b, "delete", "configmap/flags")
	kubectl("patch", "clusterrole/"+role, "--type", "json", "-p", `[{"op":"add","path":"/rules/0/verbs/-","value":"delete"}]`)
	webUID := f.env.KubectlT(t, "", "-n", a, "get", "deployment/web", "-o", "jsonpath={.metadata.uid}")

	r := newReportReader(t, f, api)
	t.Run("drift reported", func(t *testing.T) {
		f.start(t, Options{Interval: 300 * time.Millisecond, PolicyReports: api})
		r.await(t, map[string][]string{
			a:  {"fail drifted Deployment/web: 1 field(s) drift from Git: spec.replicas (by kubectl)", "fail drifted Secret/db: 1 field(s) drift from Git: data.password (by kubectl-patch)"},
			b:  {"fail missing ConfigMap/flags: missing: Git defines it"},
			"": {"fail drifted ClusterRole/" + role + ": 1 field(s) drift from Git: rules[0].verbs (by kubectl-patch)"},
		})
		rep := r.get(t, a)
		if rep.Summary != (policyreport.Summary{Fail: 2}) || rep.Metadata.Labels[policyreport.LabelManagedBy] != "gitops-drift" {
			t.Errorf("report of %s: summary %+v, labels %v", a, rep.Summary, rep.Metadata.Labels)
		}
		if got := rep.Results[0].Resources[0]; got.UID != webUID || got.Namespace != a || got.APIVersion != "apps/v1" {
			t.Errorf("the Deployment's result is about %+v, want its UID %s", got, webUID)
		}

		kubectl("-n", a, "scale", "deployment/web", "--replicas=1") // a revert by hand
		kubectl("-n", b, "patch", "configmap/steady", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
		r.await(t, map[string][]string{
			a:  {"fail drifted Secret/db: 1 field(s) drift from Git: data.password (by kubectl-patch)"},
			b:  {"fail drifted ConfigMap/steady: 1 field(s) drift from Git: data.color (by kubectl-patch)", "fail missing ConfigMap/flags: missing: Git defines it"},
			"": {"fail drifted ClusterRole/" + role + ": 1 field(s) drift from Git: rules[0].verbs (by kubectl-patch)"},
		})
		if got := f.written(t); got == 0 {
			t.Error("gitops_drift_policy_report_writes_total{result=applied} is 0")
		}
	})
	t.Run("emptied after remediation", func(t *testing.T) {
		rem, err := remediate.New(f.client, remediate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		g := &fixture{env: f.env, ns: f.ns, client: f.client, store: f.store, reg: prometheus.NewRegistry()}
		g.start(t, Options{Interval: 300 * time.Millisecond, PolicyReports: api, Remediator: rem})
		r.await(t, map[string][]string{a: {}, b: {}, "": {}})
	})
	for _, ns := range []string{a, b, ""} {
		raw := r.raw(t, ns)
		for _, w := range secretWords {
			if strings.Contains(raw, w) {
				t.Errorf("the report of %q holds %q:\n%s", ns, w, raw)
			}
		}
	}
}

// newNamedFixture returns a fixture without desired state, for manifests that name their
// namespaces (desiredNamed).
func newNamedFixture(t *testing.T) *fixture {
	t.Helper()
	e := kubeenv.Require(t, env)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{env: e, ns: e.Namespace(t), client: c, store: &desired.Store{}, reg: prometheus.NewRegistry()}
}

// desiredNamed applies manifests whose namespaced objects all name their namespace, and
// compiles them.
func (f *fixture) desiredNamed(t *testing.T, manifests string) *check.Desired {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	f.env.KubectlT(t, "", "apply", "-f", dir)
	set, err := manifest.Load(dir, manifest.Options{Namespace: f.ns, Scope: cluster.Scope{Mapper: f.client.Mapper}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, "test", schema.NewResolverForDiscovery(f.client.Discovery), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// written returns gitops_drift_policy_report_writes_total{result=applied}.
func (f *fixture) written(t *testing.T) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gitops_drift_policy_report_writes_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == "applied" {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// reportReader reads the report objects of one API.
type reportReader struct {
	f   *fixture
	api policyreport.API
	dyn dynamic.Interface
}

func newReportReader(t *testing.T, f *fixture, api policyreport.API) *reportReader {
	t.Helper()
	dyn, err := dynamic.NewForConfig(f.env.Config)
	if err != nil {
		t.Fatal(err)
	}
	return &reportReader{f: f, api: api, dyn: dyn}
}

// raw returns the JSON of the report of namespace ns ("" for the cluster report), "" when
// there is none.
func (r *reportReader) raw(t *testing.T, ns string) string {
	t.Helper()
	obj, err := r.dyn.Resource(r.api.KindOf(ns).GroupVersionResource).Namespace(ns).Get(t.Context(), policyreport.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	b, err := obj.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// get returns the report of namespace ns, nil when there is none.
func (r *reportReader) get(t *testing.T, ns string) *policyreport.Report {
	t.Helper()
	raw := r.raw(t, ns)
	if raw == "" {
		return nil
	}
	rep := &policyreport.Report{}
	if err := json.Unmarshal([]byte(raw), rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// results returns "result rule Kind/name: message" of each result of the report of ns,
// nil when there is no report.
func (r *reportReader) results(t *testing.T, ns string) []string {
	t.Helper()
	rep := r.get(t, ns)
	if rep == nil {
		return nil
	}
	out := []string{}
	for _, res := range rep.Results {
		out = append(out, fmt.Sprintf("%s %s %s/%s: %s", res.Result, res.Rule, res.Resources[0].Kind, res.Resources[0].Name, res.Message))
	}
	slices.Sort(out)
	return out
}

// await waits up to 10s for the reports of the namespaces in want to have those results.
func (r *reportReader) await(t *testing.T, want map[string][]string) {
	t.Helper()
	got := map[string][]string{}
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		for ns := range want {
			got[ns] = r.results(t, ns)
		}
		if cmp.Equal(want, got) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("reports after 10s (-want +got):\n%s", cmp.Diff(want, got))
		}
		<-tick.C
	}
}
