package drifttest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// CRDDir returns the folder of the CRDs the kind table uses (Widget), for kubeenv.Options.
func CRDDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "testdata", "crds")
}

// Fixture is desired state (one directory of manifests) in a namespace of the test server.
type Fixture struct {
	Env    *kubeenv.Env
	NS     string
	Dir    string
	Client *cluster.Client
	// Manual are the hand-edit managers the check uses (check.Compiler.Manual). Defaults
	// (nil) to check.DefaultManualManagers(), as the CLI does; empty turns the search off.
	Manual []string
}

// New writes manifests (YAML) to a directory and connects to the server, without applying
// anything. It skips the test when env is nil (-short).
func New(t *testing.T, env *kubeenv.Env, manifests string) *Fixture {
	t.Helper()
	e := kubeenv.Require(t, env)
	f := &Fixture{Env: e, NS: e.Namespace(t), Dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(f.Dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	f.Client = c
	return f
}

// Write replaces the fixture's manifests.
func (f *Fixture) Write(t *testing.T, manifests string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(f.Dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Apply is New, then kubectl apply of the manifests.
func Apply(t *testing.T, env *kubeenv.Env, manifests string) *Fixture {
	t.Helper()
	f := New(t, env, manifests)
	f.Kubectl(t, "apply", "-f", f.Dir)
	return f
}

// Kubectl runs kubectl in the fixture's namespace and returns its output.
func (f *Fixture) Kubectl(t *testing.T, args ...string) string {
	t.Helper()
	return f.Env.KubectlT(t, "", append([]string{"-n", f.NS}, args...)...)
}

// Desired loads and compiles the fixture's manifests with the ignore paths.
func (f *Fixture) Desired(t *testing.T, ignore ...string) *check.Desired {
	t.Helper()
	set, err := manifest.Load(f.Dir, manifest.Options{Namespace: f.NS, Scope: cluster.Scope{Mapper: f.Client.Mapper}})
	if err != nil {
		t.Fatal(err)
	}
	paths, err := diff.ParsePaths(strings.Join(ignore, ","))
	if err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(normalize.NewClusterCRDs(t.Context(), f.Client.Dynamic, f.Client.Mapper))
	if err != nil {
		t.Fatal(err)
	}
	manual := f.Manual
	if manual == nil {
		manual = check.DefaultManualManagers()
	}
	d, err := check.Compiler{Schemas: schema.NewResolverForDiscovery(f.Client.Discovery), Normalizer: norm, Ignore: paths, Manual: manual}.Compile(set, "test")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Check runs a dry-run check of the fixture and returns the report.
func (f *Fixture) Check(t *testing.T, ignore ...string) report.Report {
	t.Helper()
	return check.Run(t.Context(), f.Desired(t, ignore...), f.Client, check.Options{DryRun: true})
}

// Live returns the live copy of every target of the fixture, by "Kind/name".
func (f *Fixture) Live(t *testing.T) map[string]*unstructured.Unstructured {
	t.Helper()
	d := f.Desired(t)
	objs := make([]*unstructured.Unstructured, len(d.Targets))
	for i := range d.Targets {
		objs[i] = d.Targets[i].Identity()
	}
	out := map[string]*unstructured.Unstructured{}
	for i, l := range f.Client.Fetch(t.Context(), objs) {
		if l.Err != nil {
			t.Fatal(l.Err)
		}
		if l.Object != nil {
			out[d.Targets[i].Key.Kind+"/"+d.Targets[i].Key.Name] = l.Object
		}
	}
	return out
}

// Drifted returns "Kind/name path" for every drifted field of r, and "Kind/name <status>
// <error>" for resources that are missing or failed.
func Drifted(r report.Report) []string {
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
