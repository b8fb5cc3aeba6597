package auditor

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// fixture is desired state applied to a namespace of the test server, and an Auditor of it.
type fixture struct {
	env    *kubeenv.Env
	ns     string
	client *cluster.Client
	store  *desired.Store
	logs   capture.JSONLog
	events recorder
	reg    *prometheus.Registry
}

// newFixture applies manifests (YAML) to a new namespace with kubectl and puts them in a Store.
func newFixture(t *testing.T, manifests string) *fixture {
	t.Helper()
	e := kubeenv.Require(t, env)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{env: e, ns: e.Namespace(t), client: c, store: &desired.Store{}, reg: prometheus.NewRegistry()}
	f.store.Set(f.desired(t, f.ns, manifests))
	return f
}

// desired applies manifests to namespace ns with kubectl and compiles them.
func (f *fixture) desired(t *testing.T, ns, manifests string) *check.Desired {
	t.Helper()
	dir := writeManifests(t, manifests)
	f.env.KubectlT(t, "", "apply", "-n", ns, "-f", dir)
	return f.compileDir(t, ns, dir)
}

// compile compiles manifests for namespace ns without applying them.
func (f *fixture) compile(t *testing.T, ns, manifests string) *check.Desired {
	t.Helper()
	return f.compileDir(t, ns, writeManifests(t, manifests))
}

func (f *fixture) compileDir(t *testing.T, ns, dir string) *check.Desired {
	t.Helper()
	set, err := manifest.Load(dir, manifest.Options{Namespace: ns, Scope: cluster.Scope{Mapper: f.client.Mapper}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, "test", schema.NewResolverForDiscovery(f.client.Discovery), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// writeManifests writes manifests to desired.yaml in a new directory and returns it.
func writeManifests(t *testing.T, manifests string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "desired.yaml"), []byte(manifests), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// start runs an Auditor with opts (Log and Metrics set by the fixture, and Recorder unless
// set) until the test ends, and waits for its first audit.
func (f *fixture) start(t *testing.T, opts Options) *Auditor {
	t.Helper()
	m, err := metrics.New(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	opts.Log, opts.Metrics = f.logs.Logger(t), m
	if opts.Recorder == nil {
		opts.Recorder = &f.events
	}
	a := New(f.env.Config, f.store, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Start(ctx); err != nil {
			t.Errorf("Start: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	f.poll(t, "the first audit", 30*time.Second, func() bool { return len(f.logs.Find(msgSummary, nil)) > 0 })
	return a
}

// kubectl runs kubectl as the admin in the fixture's namespace and returns its output.
func (f *fixture) kubectl(t *testing.T, args ...string) string {
	t.Helper()
	return f.env.KubectlT(t, "", append([]string{"-n", f.ns}, args...)...)
}

// poll calls done until it returns true, failing the test after timeout.
func (f *fixture) poll(t *testing.T, what string, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// driftLine waits up to timeout for the audit log line of name with the given trigger and
// returns it.
func (f *fixture) driftLine(t *testing.T, name, trigger string, timeout time.Duration) map[string]any {
	t.Helper()
	var line map[string]any
	f.poll(t, fmt.Sprintf("a %q line of %s (trigger %s)", msgDrift, name, trigger), timeout, func() bool {
		lines := f.logs.Find(msgDrift, map[string]any{logName: name, logNamespace: f.ns, logTrigger: trigger})
		if len(lines) > 0 {
			line = lines[len(lines)-1]
		}
		return line != nil
	})
	return line
}

// gauge returns gitops_drift_resources{state}.
func (f *fixture) gauge(t *testing.T, state string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gitops_drift_resources" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == state {
				return m.GetGauge().GetValue()
			}
		}
	}
	return -1
}

// counter returns the sample of counter name whose one label has value, or 0.
func (f *fixture) counter(t *testing.T, name, value string) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if m.GetLabel()[0].GetValue() == value {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
