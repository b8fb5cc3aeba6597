package auditor

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/gcpace"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// benchPerNamespace is the number of tracked objects of BenchmarkAuditCycle per namespace,
// as in the macro benchmark's corpus.
const benchPerNamespace = 500

// benchSizesEnv replaces BenchmarkAuditCycle's sizes (comma-separated numbers of objects). The
// macro benchmark (test/macrobench) sets it for its 100,000-object run, which is too long and
// too large for every `go test -bench .`.
const benchSizesEnv = "GITOPS_DRIFT_BENCH_AUDIT_SIZES"

// BenchmarkAuditCycle measures one full audit (fetch from the informers, diff, log, Events,
// gauges) of n tracked objects, 50% Deployments, 20% Services, 15% ConfigMaps, 15% Secrets,
// 500 to a namespace, 1% of them drifted, after the informers have synced. Each namespace
// also holds as many objects Git does not track, of the same kinds, as tracked ones; its
// untracked Secrets are Helm release Secrets of 50 to 200 KB. The informers are
// controller-runtime's, fed by an in-memory source that makes each object when the informer
// asks for it, as a real API server streams a watch-list (client-go's default) or pages a
// list: the source holds none of them. Each audit of the loop evaluates every object (the
// results kept from the audit before are dropped first), as a full audit after a reload does:
// those the informers' transform found in sync answer at once (check.Target.NoteInSync), the
// drifted ones are diffed.
//
// Metrics: unchanged-ns is an audit with nothing changed since the last, which diffs nothing
// (the median of 5). heap-MB is the live heap the setup added, after the sync: the desired
// state, the informers' stores and the auditor's records; desired-B/obj and live-B/obj split it
// per tracked object: the compiled desired state (packed, as the auditor holds
// it), and the informers (their projections of tracked objects, the stubs of untracked ones,
// their own bookkeeping). On Linux,
// setup-RSS-MB is the process's peak resident memory up to then (compiling the manifests,
// filling the informers) and peak-RSS-MB its peak over the audits (the peak is reset in
// between); binary-RSS-MB is the test binary's resident pages at the end, counted in both
// (gitops-drift's own binary is smaller: the macro benchmark's webhook-only replica shows its
// pages).
//
// Ownership tracking is on, as in serve: the cache keeps compacted managedFields, drifted
// fields are attributed, and hand edits are searched (each drifted object also has a label
// added by kubectl label). BenchmarkAuditCycleOwnershipOff is the same audit without it.
func BenchmarkAuditCycle(b *testing.B) {
	benchmarkAuditCycle(b, true)
}

// BenchmarkAuditCycleOwnershipOff is BenchmarkAuditCycle with ownership tracking off: the
// informers' objects have no managedFields (as the cache held them before issue 10) and no
// hand-edit managers are set.
func BenchmarkAuditCycleOwnershipOff(b *testing.B) {
	benchmarkAuditCycle(b, false)
}

func benchmarkAuditCycle(b *testing.B, ownership bool) {
	// Else controller-runtime prints, mid-run, that its logger was never set, cutting a result
	// line in two.
	ctrllog.SetLogger(logr.Discard())
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			a, ctx, mem := benchAuditor(b, n, ownership)
			setup, resetOK := resetPeakRSS()
			for b.Loop() {
				a.state.forget()
				a.audit(ctx)
			}
			unchanged := make([]time.Duration, 5)
			for i := range unchanged {
				start := time.Now()
				a.audit(ctx)
				unchanged[i] = time.Since(start)
			}
			slices.Sort(unchanged)
			writeHeapProfile(b)
			// After the loop, which resets the metrics.
			b.ReportMetric(float64(unchanged[len(unchanged)/2].Nanoseconds()), "unchanged-ns")
			b.ReportMetric(float64(mem.total)/1e6, "heap-MB")
			b.ReportMetric(float64(mem.desired)/float64(n), "desired-B/obj")
			b.ReportMetric(float64(mem.live)/float64(n), "live-B/obj")
			if peak := peakRSS(); resetOK && peak > 0 {
				b.ReportMetric(float64(setup)/1e6, "setup-RSS-MB")
				b.ReportMetric(float64(peak)/1e6, "peak-RSS-MB")
				b.ReportMetric(float64(procStatus("RssFile"))/1e6, "binary-RSS-MB")
			}
		})
	}
}

// benchHeapProfileEnv names a file BenchmarkAuditCycle writes a heap profile to after its
// audits, while the auditor still holds its state (`go test -memprofile` writes one when the
// benchmark has ended and dropped it). With several sizes, the last one's stays.
const benchHeapProfileEnv = "GITOPS_DRIFT_BENCH_HEAPPROFILE"

// writeHeapProfile writes the live heap's profile to $benchHeapProfileEnv, if set.
func writeHeapProfile(b *testing.B) {
	name := os.Getenv(benchHeapProfileEnv)
	if name == "" {
		return
	}
	runtime.GC()
	f, err := os.Create(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// benchSizes returns the sizes of BenchmarkAuditCycle: 1,000 and 10,000, or $benchSizesEnv.
func benchSizes(b *testing.B) []int {
	s := os.Getenv(benchSizesEnv)
	if s == "" {
		return []int{1000, 10000}
	}
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 {
			b.Fatalf("%s=%q: want numbers of objects of at least 100", benchSizesEnv, s)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// benchMemory is the live heap that a benchmark's setup added, in bytes: in all, the compiled
// desired state's share and the synced informers'.
type benchMemory struct {
	total, desired, live uint64
}

// benchAuditor returns an auditor of n objects whose informers have listed them, after one
// audit, the context it runs in, and the heap its parts hold.
func benchAuditor(b *testing.B, n int, ownership bool) (*Auditor, context.Context, benchMemory) {
	// The live heap before the setup: what an earlier run in this process still holds
	// (its informers wind down after it) is not this run's.
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	start := heap()
	pacer := &gcpace.Pacer{} // one, as serve shares one between its Reloader and auditor
	d := benchDesired(b, n, ownership, pacer)
	// The auditor holds its desired state packed, as compiled.
	compiled := heap()
	store := &desired.Store{}
	store.Set(d)
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Context())
	opts, srv := benchCache(d, ownership)
	a := New(&rest.Config{Host: "http://127.0.0.1:1"}, store, Options{Metrics: m, Log: logr.Discard(), Cache: opts, ListGCPercent: benchGCPercent(RecommendedListGCPercent), Pacer: pacer})
	// The informers' lists at 100,000 objects (a GB of Helm Secrets to decode) can take more
	// than a minute on two busy cores: the deadline is for a benchmark that hangs.
	a.live = newLive(ctx, a.cfg, a.opts.Cache, 5*time.Minute, a.opts.FieldManager, func(schema.GroupVersionKind, any) {})
	a.live.pace = a.paceList // as Start sets it
	b.Cleanup(func() { cancel(); a.live.stop() })
	for _, w := range a.live.watch(ctx, a.track(d).scopes) { // starts the informers and waits for their lists
		if w.err != nil {
			b.Fatal(w.err)
		}
	}
	// The heap is measured once every informer watches again after its first watch, the
	// stream of its initial objects, ended: as it will have, on a real server, 5 to 10
	// minutes after it started. Until then, that watch's decoder holds buffers as large as
	// the largest object it carried (see releasingWatcher).
	close(srv.rotate)
	deadline := time.Now().Add(time.Minute)
	for int(srv.rewatched.Load()) < a.live.watched() {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d informers watch again a minute after their first watches ended", srv.rewatched.Load(), a.live.watched())
		}
		time.Sleep(10 * time.Millisecond) // polling, with the deadline above
	}
	synced := heap()
	a.audit(ctx)
	if c, want := a.state.counts(), benchDrifted(n); c.InSync+c.Drifted != n || c.Drifted != want {
		b.Fatalf("first audit: %+v, want %d resources, %d drifted", c, n, want)
	}
	if ownership {
		for _, kind := range []string{"ConfigMap", "Secret"} {
			t, ok := d.Lookup(manifest.Key{Kind: kind, Namespace: benchNamespace(0), Name: benchName(kind, benchDrift(kind))})
			if !ok {
				b.Fatalf("no drifted %s", kind)
			}
			l := a.live.Fetch(ctx, []*unstructured.Unstructured{t.Identity()})[0]
			if l.Err != nil || l.Object == nil {
				b.Fatalf("live copy of %s: %v", t.Key, l.Err)
			}
			if f := t.Compare(t.Resolve(l.Object.Object)); len(f) != 2 || f[0].Owner == nil || f[0].Owner.Manager != "kubectl-patch" || !f[1].Added {
				b.Fatalf("drift of %s: %d fields, want the edit attributed and the hand-added label", t.Key, len(f))
			}
		}
	}
	end := heap()
	return a, ctx, benchMemory{total: end - min(start, end), desired: compiled - min(start, compiled), live: synced - min(compiled, synced)}
}

// resetPeakRSS returns the process's peak resident memory so far, returns what it can to
// the OS, and resets the peak (Linux: /proc/self/clear_refs). It reports false if it could not.
func resetPeakRSS() (int64, bool) {
	setup := peakRSS()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		return 0, false
	}
	return setup, setup > 0
}

// peakRSS returns the process's peak resident memory (VmHWM) in bytes, or 0 if unknown.
func peakRSS() int64 { return procStatus("VmHWM") }

// benchGCPercent returns percent, serve's pacing of a load or the informers' lists, or 0
// (none) when GOGC is set, as serve does.
func benchGCPercent(percent int) int {
	if os.Getenv("GOGC") != "" {
		return 0
	}
	return percent
}

// procStatus returns the field of /proc/self/status named name, a size in kB, in bytes, or 0
// if unknown. RssFile is the resident pages of files mapped: for the static test binary, its
// own code and data (those package initialisation and the run touched).
func procStatus(name string) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// benchKind returns the kind of BenchmarkAuditCycle's object numbered i.
func benchKind(i int) string {
	switch i % 20 {
	case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9:
		return "Deployment"
	case 10, 11, 12, 13:
		return "Service"
	case 14, 15, 16:
		return "ConfigMap"
	}
	return "Secret"
}

// benchDrift returns the number modulo 400 of the drifted objects of kind: 1% in all.
func benchDrift(kind string) int {
	return map[string]int{"Deployment": 7, "Service": 12, "ConfigMap": 15, "Secret": 18}[kind]
}

// benchDrifted returns the number of drifted objects among n.
func benchDrifted(n int) int {
	c := 0
	for i := range n {
		if benchDrift(benchKind(i)) == i%400 {
			c++
		}
	}
	return c
}

// forget drops every result kept: the next audit evaluates every object again.
func (st *state) forget() {
	for i := range st.entries {
		st.entries[i].evaluated = false
	}
}

// benchNamespace returns the namespace of the object numbered i.
func benchNamespace(i int) string { return fmt.Sprintf("bench-%d", i/benchPerNamespace) }

// benchName returns the name of the object of kind numbered i.
func benchName(kind string, i int) string {
	return map[string]string{"Deployment": "app", "Service": "svc", "ConfigMap": "cfg", "Secret": "sec"}[kind] + "-" + strconv.Itoa(i)
}

// benchNumber returns the number in an object's name.
func benchNumber(name string) int {
	n, _ := strconv.Atoi(name[strings.LastIndexByte(name, '-')+1:])
	return n
}

// benchDesired compiles n objects, with kubectl's hand-edit managers when ownership is on.
func benchDesired(b testing.TB, n int, ownership bool, pacer *gcpace.Pacer) *check.Desired {
	b.Helper()
	var sb strings.Builder
	for i := range n {
		fmt.Fprintf(&sb, map[string]string{"Deployment": benchDeployment, "Service": benchService, "ConfigMap": benchConfigMap, "Secret": benchSecret}[benchKind(i)], i, benchNamespace(i))
	}
	c := check.Compiler{Schemas: builtin.NewResolver(nil)}
	if ownership {
		c.Manual = check.DefaultManualManagers()
	}
	// Each object compiled as read, the collector paced, as serve's Reloader loads.
	defer pacer.Hold(benchGCPercent(desired.RecommendedLoadGCPercent))()
	comp, err := c.Start("bench")
	if err != nil {
		b.Fatal(err)
	}
	warnings, err := manifest.LoadFSEach(fstest.MapFS{"desired.yaml": {Data: []byte(sb.String())}}, manifest.Options{}, comp.Add)
	if err != nil {
		b.Fatal(err)
	}
	d, err := comp.Done(warnings)
	if err != nil {
		b.Fatal(err)
	}
	d.SetSecretKey(check.NewSecretKey())
	return d
}

const benchDeployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-%[1]d, namespace: %[2]s, labels: {app: app-%[1]d, tier: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: app-%[1]d}}
  template:
    metadata: {labels: {app: app-%[1]d}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.%[1]d
          ports: [{containerPort: 8080}]
          env: [{name: MODE, value: prod}, {name: ID, value: "%[1]d"}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
        - name: log
          image: busybox:1.36
          args: [tail, -f, /var/log/app.log]
`

const benchService = `---
apiVersion: v1
kind: Service
metadata: {name: svc-%[1]d, namespace: %[2]s}
spec:
  selector: {app: app-%[1]d}
  ports: [{name: http, port: 80, targetPort: 8080}]
`

const benchConfigMap = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-%[1]d, namespace: %[2]s}
data: {LOG_LEVEL: info, TTL: "300", ID: "%[1]d"}
`

const benchSecret = `---
apiVersion: v1
kind: Secret
metadata: {name: sec-%[1]d, namespace: %[2]s}
type: Opaque
stringData: {username: app-%[1]d, password: pw-%[1]d}
`

// benchCache returns cache options whose informers list and watch, from memory, the live
// copies of d's objects and as many untracked objects of the same kinds in each namespace,
// through an API server of its own (benchServer).
func benchCache(d *check.Desired, ownership bool) (cache.Options, *benchServer) {
	mapper := meta.NewDefaultRESTMapper(nil)
	srv := &benchServer{mf: newManagedFieldsMaker(), ownership: ownership, scopes: map[benchScope][]*check.Target{}, rotate: make(chan struct{})}
	for i := range d.Targets {
		t := &d.Targets[i]
		gvk := t.GVK
		mapper.Add(gvk, meta.RESTScopeNamespace)
		sc := benchScope{kind: gvk.Kind, namespace: t.Key.Namespace}
		srv.scopes[sc] = append(srv.scopes[sc], t)
	}
	return cache.Options{Mapper: mapper, HTTPClient: &http.Client{Transport: srv}}, srv
}
