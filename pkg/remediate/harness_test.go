package remediate_test

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// strategies are the remediation strategies every acceptance test runs with.
var strategies = []remediate.Strategy{remediate.StrategyApply, remediate.StrategyReplace}

// fixture is desired state in a namespace of the test server.
type fixture struct {
	env    *kubeenv.Env
	ns     string
	dir    string
	client *cluster.Client
}

// newFixture writes manifests (YAML) to a directory and connects to the server, without
// applying anything.
func newFixture(t *testing.T, manifests string) *fixture {
	t.Helper()
	e := kubeenv.Require(t, env)
	f := &fixture{env: e, ns: e.Namespace(t), dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(f.dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

// apply is newFixture, then kubectl apply of the manifests.
func apply(t *testing.T, manifests string) *fixture {
	t.Helper()
	f := newFixture(t, manifests)
	f.kubectl(t, "apply", "-f", f.dir)
	return f
}

// kubectl runs kubectl in the fixture's namespace and returns its output.
func (f *fixture) kubectl(t *testing.T, args ...string) string {
	t.Helper()
	return f.env.KubectlT(t, "", append([]string{"-n", f.ns}, args...)...)
}

// desired loads and compiles the fixture's manifests.
func (f *fixture) desired(t *testing.T, ignore ...string) *check.Desired {
	t.Helper()
	set, err := manifest.Load(f.dir, manifest.Options{Namespace: f.ns, Scope: cluster.Scope{Mapper: f.client.Mapper}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []diff.Path
	for _, s := range ignore {
		p, err := diff.ParsePath(s)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	d, err := check.Compile(set, "test", schema.NewResolverForDiscovery(f.client.Discovery), paths)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// check runs a dry-run check of the fixture and returns the report.
func (f *fixture) check(t *testing.T, ignore ...string) report.Report {
	t.Helper()
	return check.Run(t.Context(), f.desired(t, ignore...), f.client, check.Options{DryRun: true})
}

// remediate runs a check with remediation by strategy through client (nil: the fixture's).
func (f *fixture) remediate(t *testing.T, s remediate.Strategy, client remediate.Client, ignore ...string) report.Report {
	t.Helper()
	if client == nil {
		client = f.client
	}
	rem, err := remediate.New(client, remediate.Options{Strategy: s})
	if err != nil {
		t.Fatal(err)
	}
	return check.Run(t.Context(), f.desired(t, ignore...), f.client, check.Options{Remediator: rem})
}

// live returns the live copy of every target of the fixture, by "Kind/name".
func (f *fixture) live(t *testing.T) map[string]*unstructured.Unstructured {
	t.Helper()
	d := f.desired(t)
	objs := make([]*unstructured.Unstructured, len(d.Targets))
	for i := range d.Targets {
		objs[i] = d.Targets[i].Obj
	}
	out := map[string]*unstructured.Unstructured{}
	for i, l := range f.client.Fetch(t.Context(), objs) {
		if l.Err != nil {
			t.Fatal(l.Err)
		}
		if l.Object != nil {
			out[d.Targets[i].Key.Kind+"/"+d.Targets[i].Key.Name] = l.Object
		}
	}
	return out
}

// drifted returns "Kind/name path" for every drifted field of r, and "Kind/name <status>" for
// resources that are missing or failed.
func drifted(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		switch res.Status {
		case report.StatusDrifted:
			for _, f := range res.Fields {
				out = append(out, res.Kind+"/"+res.Name+" "+f.Path)
			}
		case report.StatusMissing, report.StatusError:
			out = append(out, res.Kind+"/"+res.Name+" "+string(res.Status)+" "+res.Error)
		}
	}
	return out
}

// actions returns "Kind/name action" for every resource of r that has an action, with the
// error of a failed one.
func actions(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		if res.Action == report.ActionNone {
			continue
		}
		s := res.Kind + "/" + res.Name + " " + string(res.Action)
		if res.Error != "" {
			s += ": " + res.Error
		}
		out = append(out, s)
	}
	return out
}

// resourceVersions returns the resourceVersion of every live object of the fixture.
func (f *fixture) resourceVersions(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, obj := range f.live(t) {
		out[k] = obj.GetResourceVersion()
	}
	return out
}
