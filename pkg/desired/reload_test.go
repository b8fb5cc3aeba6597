package desired

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// reloadFixture is a manifest directory with a Reloader on it.
type reloadFixture struct {
	dir      string
	store    *Store
	reloader *Reloader
	reg      *prometheus.Registry
	loads    int
	mtime    time.Time
}

func newReloadFixture(t *testing.T, interval time.Duration) *reloadFixture {
	t.Helper()
	f := &reloadFixture{dir: t.TempDir(), store: &Store{}, reg: prometheus.NewRegistry(), mtime: time.Unix(1700000000, 0)}
	m, err := metrics.New(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	load := func(_ context.Context, s source.Snapshot, _ string) (*check.Desired, error) {
		f.loads++
		set, err := source.Load(s, manifest.Options{})
		if err != nil {
			return nil, err
		}
		return check.Compile(set, "rev", builtin.NewResolver(nil), nil)
	}
	f.reloader = NewReloader(&DirSource{Dir: f.dir, Loader: load}, f.store, ReloaderOptions{Interval: interval, Metrics: m})
	return f
}

// write writes a ConfigMap whose data.color is color, or raw text, with a new mtime.
func (f *reloadFixture) write(t *testing.T, content string) {
	t.Helper()
	p := filepath.Join(f.dir, "cm.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f.mtime = f.mtime.Add(time.Second)
	if err := os.Chtimes(p, f.mtime, f.mtime); err != nil {
		t.Fatal(err)
	}
}

func configMap(color string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  color: " + color + "\n"
}

// color returns data.color of the ConfigMap in the store.
func (f *reloadFixture) color(t *testing.T) string {
	t.Helper()
	d := f.store.Load()
	if d == nil {
		return ""
	}
	tg, ok := d.Lookup(manifest.Key{Kind: "ConfigMap", Namespace: "default", Name: "settings"})
	if !ok {
		t.Fatal("settings not in the store")
	}
	return tg.Want()["data"].(map[string]any)["color"].(string)
}

func (f *reloadFixture) loadErrors(t *testing.T) float64 {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "gitops_drift_manifest_load_errors_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no gitops_drift_manifest_load_errors_total")
	return 0
}

func TestReload(t *testing.T) {
	f := newReloadFixture(t, time.Hour)
	ctx := t.Context()
	f.write(t, configMap("blue"))
	if err := f.reloader.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.color(t); got != "blue" {
		t.Fatalf("color = %q after the first load, want blue", got)
	}

	if err := f.reloader.Reload(ctx); err != nil || f.loads != 1 {
		t.Fatalf("unchanged directory: err = %v, loads = %d, want nil and 1", err, f.loads)
	}

	f.write(t, configMap("red"))
	if err := f.reloader.Reload(ctx); err != nil || f.color(t) != "red" {
		t.Fatalf("changed file: err = %v, color = %q, want nil and red", err, f.color(t))
	}

	f.write(t, "kind: [unclosed\n")
	err := f.reloader.Reload(ctx)
	if err == nil || !strings.Contains(err.Error(), "cm.yaml") {
		t.Fatalf("invalid YAML: err = %v, want an error naming the file", err)
	}
	if got := f.color(t); got != "red" {
		t.Errorf("color = %q after a failed reload, want the last good red", got)
	}
	if got := f.loadErrors(t); got != 1 {
		t.Errorf("load errors = %v, want 1", got)
	}
	if err := f.reloader.Err(); err == nil || !strings.Contains(err.Error(), "cm.yaml") {
		t.Errorf("Err() = %v while the reload fails, want the load error", err)
	}
	if err := f.reloader.Reload(ctx); err != nil || f.loadErrors(t) != 1 {
		t.Errorf("same invalid YAML again: err = %v, load errors = %v; want it reported once", err, f.loadErrors(t))
	}
	if f.reloader.Err() == nil {
		t.Error("Err() = nil after polling the same invalid YAML again; the reload is still failing")
	}

	f.write(t, configMap("green"))
	if err := f.reloader.Reload(ctx); err != nil || f.color(t) != "green" {
		t.Fatalf("fixed file: err = %v, color = %q, want nil and green", err, f.color(t))
	}
	if err := f.reloader.Err(); err != nil {
		t.Errorf("Err() = %v after a good reload, want nil", err)
	}
}

// TestReloadReturnsMemory checks that a poll that puts a new state in force collects the heap
// and returns it (debug.FreeOSMemory, a forced collection), and that one that finds nothing
// new, or a version that fails to load, does not: polls are every 2s, loads rare.
func TestReloadReturnsMemory(t *testing.T) {
	f := newReloadFixture(t, time.Hour)
	ctx := t.Context()
	tests := []struct {
		name    string
		content string // written before the poll; empty: nothing changes
		forced  bool
	}{
		{"first load", configMap("blue"), true},
		{"unchanged", "", false},
		{"new version", configMap("red"), true},
		{"version that fails to load", "kind: [unclosed\n", false},
		{"fixed", configMap("green"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.content != "" {
				f.write(t, tt.content)
			}
			before := forcedCollections()
			_ = f.reloader.Reload(ctx) // what each poll does is TestReload's
			if got := forcedCollections() > before; got != tt.forced {
				t.Errorf("forced a collection: %v, want %v", got, tt.forced)
			}
		})
	}
}

// forcedCollections returns how many collections the program has forced so far.
func forcedCollections() uint64 {
	s := []rtmetrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	rtmetrics.Read(s)
	return s[0].Value.Uint64()
}

func TestReloaderStart(t *testing.T) {
	f := newReloadFixture(t, 10*time.Millisecond)
	f.write(t, configMap("blue"))
	if err := f.reloader.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	go func() { _ = f.reloader.Start(t.Context()) }() // ends with the test's context
	f.write(t, configMap("red"))
	// The test reads the store while the reloader writes it: -race checks the swap.
	deadline := time.Now().Add(10 * time.Second)
	for f.color(t) != "red" {
		if time.Now().After(deadline) {
			t.Fatal("the reloader did not pick up the change within 10s")
		}
		time.Sleep(5 * time.Millisecond) // polling the store, not synchronising on time
	}
}

// fixedSource is a Source whose one version loads with load.
type fixedSource struct {
	load func() (*check.Desired, error)
}

func (s fixedSource) Latest(context.Context) (Version, error) {
	return Version{ID: "v1", Revision: "rev"}, nil
}

func (s fixedSource) Load(context.Context, Version) (*check.Desired, error) { return s.load() }

// TestReloadRetriesFailedLoad checks that a version that failed to load is tried again every
// RetryInterval although it has not changed (a CRD installed since), and that a retry failing
// the same way is not reported again.
func TestReloadRetriesFailedLoad(t *testing.T) {
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	missing := errors.New(`Widget w: no matches for kind "Widget"`)
	var loads int
	load := func() (*check.Desired, error) {
		loads++
		if missing != nil {
			return nil, missing
		}
		return &check.Desired{Revision: "rev"}, nil
	}
	clk := clocktesting.NewFakeClock(time.Unix(1700000000, 0))
	store := &Store{}
	r := NewReloader(fixedSource{load: load}, store, ReloaderOptions{Interval: time.Second, RetryInterval: time.Minute, Metrics: m, Clock: clk})
	ctx := t.Context()
	if err := r.Reload(ctx); !errors.Is(err, missing) {
		t.Fatalf("first load: err = %v, want %v", err, missing)
	}
	steps := []struct {
		name      string
		advance   time.Duration
		change    error // the load's error from this step on; nil: it succeeds
		wantLoads int
		wantErr   bool // Reload reports an error
		wantState bool // the Store holds a state
	}{
		{name: "before RetryInterval, no retry", advance: 59 * time.Second, change: missing, wantLoads: 1},
		{name: "retried, same failure not reported", advance: time.Second, change: missing, wantLoads: 2},
		{name: "waits RetryInterval again", advance: 30 * time.Second, change: missing, wantLoads: 2},
		{name: "another failure is reported", advance: 30 * time.Second, change: errors.New("other"), wantLoads: 3, wantErr: true},
		{name: "the cluster caught up", advance: time.Minute, wantLoads: 4, wantState: true},
		{name: "loaded: no more retries", advance: time.Hour, wantLoads: 4, wantState: true},
	}
	for _, s := range steps {
		clk.Step(s.advance)
		missing = s.change
		err := r.Reload(ctx)
		if loads != s.wantLoads || (err != nil) != s.wantErr || (store.Load() != nil) != s.wantState {
			t.Fatalf("%s: loads = %d, err = %v, state = %v; want %d loads, error %v, state %v",
				s.name, loads, err, store.Load() != nil, s.wantLoads, s.wantErr, s.wantState)
		}
	}
}

// gcSource is a Source whose Load records the collector's GOGC while it runs.
type gcSource struct {
	during int
}

func (s *gcSource) Latest(context.Context) (Version, error) {
	return Version{ID: "v1", Revision: "r1"}, nil
}

func (s *gcSource) Load(context.Context, Version) (*check.Desired, error) {
	s.during = gcPercent()
	return &check.Desired{Revision: "r1"}, nil
}

// gcPercent returns the collector's GOGC setting (SetGCPercent returns it; it is set back).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestReloadPacesCollector(t *testing.T) {
	tests := []struct {
		name        string
		process     int // the process's GOGC
		loadPercent int // ReloaderOptions.LoadGCPercent
		wantDuring  int
	}{
		{name: "lower than the process's", process: 100, loadPercent: 50, wantDuring: 50},
		{name: "not set", process: 100, loadPercent: 0, wantDuring: 100},
		{name: "the process's is lower", process: 30, loadPercent: 50, wantDuring: 30},
		{name: "the collector off", process: -1, loadPercent: 50, wantDuring: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(tt.process))
			src := &gcSource{}
			r := NewReloader(src, &Store{}, ReloaderOptions{LoadGCPercent: tt.loadPercent})
			if err := r.Reload(t.Context()); err != nil {
				t.Fatal(err)
			}
			if src.during != tt.wantDuring {
				t.Errorf("GOGC while loading: %d, want %d", src.during, tt.wantDuring)
			}
			if after := gcPercent(); after != tt.process {
				t.Errorf("GOGC after the load: %d, want the process's %d back", after, tt.process)
			}
		})
	}
}
