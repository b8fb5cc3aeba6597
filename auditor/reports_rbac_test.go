package auditor

import (
	"bufio"
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	rbacv1 "k8s.io/api/rbac/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// reportsRole is the ClusterRole of the install's policy-reports part
// (manifests/policy-reports/rbac.yaml) that grants the policy reports' writes.
const reportsRole = "gitops-drift-policy-reports"

// TestPolicyReportsRBAC writes reports as a user that has only the install's ClusterRole for
// them: its verbs are enough to create, update, skip and empty the reports of both APIs (the
// role names the kinds of one API, the one its --policy-report-api names; for the other, its
// kinds take their place, as README says to do when switching).
func TestPolicyReportsRBAC(t *testing.T) {
	f := newNamedFixture(t)
	for _, api := range policyreport.APIs {
		t.Run(string(api), func(t *testing.T) {
			cfg := f.reportWriter(t, api)
			reg := prometheus.NewRegistry()
			m, err := metrics.New(reg)
			if err != nil {
				t.Fatal(err)
			}
			var logs capture.JSONLog
			p, err := newPolicyReports(cfg, nil, api, m, logs.Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			ns := f.env.Namespace(t)
			drift := report.New("rev", []report.Resource{
				{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: "cm", Status: report.StatusMissing},
				{APIVersion: "v1", Kind: "Namespace", Name: ns, Status: report.StatusDrifted, Fields: []diff.Field{{Path: "metadata.labels.team", Desired: "a"}}},
			})
			r := newReportReader(t, f, api)
			// Each step's writes: at least min; the reports other tests left in the cluster
			// are emptied too, so there may be more, except when nothing changed.
			steps := []struct {
				name     string
				reports  []*policyreport.Report
				want     map[string][]string
				min, max float64
			}{
				{"create", p.builder.Build(drift, time.Unix(1, 0), nil), map[string][]string{
					ns: {"fail missing ConfigMap/cm: missing: Git defines it"},
					"": {"fail drifted Namespace/" + ns + ": 1 field(s) drift from Git: metadata.labels.team"},
				}, 2, 100},
				{"unchanged", p.builder.Build(drift, time.Unix(2, 0), nil), nil, 0, 0},
				{"emptied", nil, map[string][]string{ns: {}, "": {}}, 2, 2},
			}
			for _, s := range steps {
				before := writes(t, reg, metrics.ReportApplied)
				p.write(t.Context(), s.reports)
				for ns, want := range s.want {
					if diff := cmp.Diff(want, r.results(t, ns)); diff != "" {
						t.Errorf("%s: report of %q (-want +got):\n%s", s.name, ns, diff)
					}
				}
				if n := writes(t, reg, metrics.ReportApplied) - before; n < s.min || n > s.max {
					t.Errorf("%s: %v reports applied, want %v to %v", s.name, n, s.min, s.max)
				}
			}
			if n := writes(t, reg, metrics.ReportFailed); n != 0 {
				t.Errorf("%v failed writes: %v", n, logs.Find(msgReportsFailed, nil))
			}
		})
	}
}

// reportWriter binds the install's ClusterRole for policy reports, on the kinds of api, to a
// new user, and returns that user's client configuration.
func (f *fixture) reportWriter(t *testing.T, api policyreport.API) *rest.Config {
	t.Helper()
	data, err := os.ReadFile("../manifests/policy-reports/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role *rbacv1.ClusterRole
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := rd.Read()
		if err != nil {
			break
		}
		var r rbacv1.ClusterRole
		if err := yaml.Unmarshal(doc, &r); err == nil && r.Kind == "ClusterRole" && r.Name == reportsRole {
			role = &r
		}
	}
	if role == nil {
		t.Fatalf("manifests/policy-reports/rbac.yaml has no ClusterRole %s", reportsRole)
	}
	namespaced, cluster := api.Kinds()
	for i := range role.Rules {
		role.Rules[i].APIGroups = []string{namespaced.Group}
		role.Rules[i].Resources = []string{namespaced.Resource, cluster.Resource}
	}
	user := "policy-report-writer-" + namespaced.Group
	role.Name = user
	out, err := yaml.Marshal(role)
	if err != nil {
		t.Fatal(err)
	}
	binding := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: " + user + "}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + user + "}\n" +
		"subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: " + user + "}]\n"
	f.env.KubectlT(t, string(out)+"\n---\n"+binding, "apply", "-f", "-")
	kubeconfig, err := f.env.AddUser(user)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// writes returns gitops_drift_policy_report_writes_total{result}.
func writes(t *testing.T, reg *prometheus.Registry, result string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if mf.GetName() == "gitops_drift_policy_report_writes_total" && m.GetLabel()[0].GetValue() == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
