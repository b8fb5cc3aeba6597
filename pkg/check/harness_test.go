package check_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// fixture is desired state applied to a namespace of the test server.
type fixture struct {
	env    *kubeenv.Env
	ns     string
	dir    string
	client *cluster.Client
}

// apply writes manifests (YAML) to a directory, applies it with kubectl, and returns the fixture.
func apply(t *testing.T, manifests string) *fixture {
	t.Helper()
	e := kubeenv.Require(t, env)
	f := &fixture{env: e, ns: e.Namespace(t), dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(f.dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	e.KubectlT(t, "", "apply", "-n", f.ns, "-f", f.dir)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	f.client = c
	return f
}

// kubectl runs kubectl in the fixture's namespace.
func (f *fixture) kubectl(t *testing.T, args ...string) {
	t.Helper()
	f.env.KubectlT(t, "", append([]string{"-n", f.ns}, args...)...)
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

// check runs a check of the fixture and returns the report.
func (f *fixture) check(t *testing.T, ignore ...string) report.Report {
	t.Helper()
	return check.Run(t.Context(), f.desired(t, ignore...), f.client, check.Options{DryRun: true})
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
