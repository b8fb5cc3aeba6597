package auditor

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// benchNamespace holds every object of the benchmark.
const benchNamespace = "bench"

// benchSizesEnv replaces BenchmarkAuditCycle's sizes (comma-separated numbers of objects). The
// macro benchmark (test/macrobench) sets it for its 100,000-object run, which is too long and
// too large for every `go test -bench .`.
const benchSizesEnv = "GITOPS_DRIFT_BENCH_AUDIT_SIZES"

// BenchmarkAuditCycle measures one full audit (fetch from the informers, diff, log, Events,
// gauges) of n tracked objects, 60% Deployments, 20% Services, 20% ConfigMaps, 1% of them
// drifted, after the informers have synced. The informers are controller-runtime's, fed by an
// in-memory list instead of an API server. heap-MB is the live heap the setup added, after
// the sync: the desired state, the informers' stores and the auditor's records. On Linux, setup-RSS-MB is
// the process's peak resident memory up to then (compiling the manifests, filling the
// informers) and peak-RSS-MB its peak over the audits (the peak is reset in between).
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
			// The live heap before the setup: what an earlier run in this process still holds
			// (its informers wind down after it) is not this run's.
			runtime.GC()
			var before, ms runtime.MemStats
			runtime.ReadMemStats(&before)
			a, ctx := benchAuditor(b, n, ownership)
			runtime.GC()
			runtime.ReadMemStats(&ms)
			ms.HeapAlloc -= min(before.HeapAlloc, ms.HeapAlloc)
			setup, resetOK := resetPeakRSS()
			for b.Loop() {
				a.audit(ctx)
			}
			// After the loop, which resets the metrics.
			b.ReportMetric(float64(ms.HeapAlloc)/1e6, "heap-MB")
			if peak := peakRSS(); resetOK && peak > 0 {
				b.ReportMetric(float64(setup)/1e6, "setup-RSS-MB")
				b.ReportMetric(float64(peak)/1e6, "peak-RSS-MB")
			}
		})
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

// benchAuditor returns an auditor of n objects whose informers have listed them, after one
// audit, and the context it runs in.
func benchAuditor(b *testing.B, n int, ownership bool) (*Auditor, context.Context) {
	d := benchDesired(b, n, ownership)
	store := &desired.Store{}
	store.Set(d)
	m, err := metrics.New(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(b.Context())
	a := New(&rest.Config{Host: "http://127.0.0.1:1"}, store, Options{Metrics: m, Log: logr.Discard(), Cache: benchCache(d, ownership)})
	a.live = newLive(ctx, a.cfg, a.opts.Cache, time.Minute, a.opts.FieldManager, func(schema.GroupVersionKind, any) {})
	b.Cleanup(func() { cancel(); a.live.stop() })
	a.audit(ctx) // starts the informers and waits for their lists
	if c := a.ledger.counts(); c.InSync+c.Drifted != n || c.Drifted != n/100 {
		b.Fatalf("first audit: %+v, want %d resources, %d drifted", c, n, n/100)
	}
	if ownership {
		t := &d.Targets[7] // ConfigMaps sort first: the eighth is drifted
		l := a.live.Fetch(ctx, []*unstructured.Unstructured{t.Identity()})[0]
		if l.Err != nil || l.Object == nil {
			b.Fatalf("live copy of %s: %v", t.Key, l.Err)
		}
		if f := t.Compare(l.Object.Object); len(f) != 2 || f[0].Owner == nil || f[0].Owner.Manager != "kubectl-patch" || !f[1].Added {
			b.Fatalf("drift of %s: %+v, want the edit attributed and the hand-added label", t.Key, f)
		}
	}
	return a, ctx
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
func peakRSS() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// benchDesired compiles n objects, with kubectl's hand-edit managers when ownership is on.
func benchDesired(b *testing.B, n int, ownership bool) *check.Desired {
	b.Helper()
	var sb strings.Builder
	for i := range n {
		switch i % 5 {
		case 0, 1, 2:
			fmt.Fprintf(&sb, benchDeployment, i)
		case 3:
			fmt.Fprintf(&sb, benchService, i)
		default:
			fmt.Fprintf(&sb, benchConfigMap, i)
		}
	}
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(sb.String())}}, manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	c := check.Compiler{Schemas: builtin.NewResolver(nil)}
	if ownership {
		c.Manual = check.DefaultManualManagers()
	}
	d, err := c.Compile(set, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return d
}

const benchDeployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-%[1]d, namespace: bench, labels: {app: app-%[1]d, tier: web}}
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
metadata: {name: svc-%[1]d, namespace: bench}
spec:
  selector: {app: app-%[1]d}
  ports: [{name: http, port: 80, targetPort: 8080}]
`

const benchConfigMap = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-%[1]d, namespace: bench}
data: {LOG_LEVEL: info, TTL: "300", ID: "%[1]d"}
`

// benchCache returns cache options whose informers list the live copies of d's objects
// from memory: the desired object with what a server adds (uid, resourceVersion, defaults,
// status, managedFields), one in a hundred with another image or value.
func benchCache(d *check.Desired, ownership bool) cache.Options {
	mapper := meta.NewDefaultRESTMapper(nil)
	mf := newManagedFieldsMaker()
	lists := map[schema.GroupVersionKind][]*check.Target{}
	for i := range d.Targets {
		t := &d.Targets[i]
		gvk := t.GVK
		mapper.Add(gvk, meta.RESTScopeNamespace)
		lists[gvk] = append(lists[gvk], t)
	}
	return cache.Options{
		Mapper: mapper,
		NewInformer: func(_ toolscache.ListerWatcher, obj kruntime.Object, resync time.Duration, indexers toolscache.Indexers) toolscache.SharedIndexInformer {
			gvk := obj.GetObjectKind().GroupVersionKind()
			lw := &fakeListWatch{ListWatch: toolscache.ListWatch{
				ListWithContextFunc: func(context.Context, metav1.ListOptions) (kruntime.Object, error) {
					return liveList(mf, gvk, lists[gvk], ownership), nil
				},
				WatchFuncWithContext: func(context.Context, metav1.ListOptions) (watch.Interface, error) {
					return watch.NewFake(), nil
				},
			}}
			return toolscache.NewSharedIndexInformer(lw, obj, resync, indexers)
		},
	}
}

// fakeListWatch lists and watches from memory, without the streaming list of a real server.
type fakeListWatch struct{ toolscache.ListWatch }

func (*fakeListWatch) IsWatchListSemanticsUnSupported() bool { return true }

func liveList(mf *managedFieldsMaker, gvk schema.GroupVersionKind, targets []*check.Target, ownership bool) *unstructured.UnstructuredList {
	list := &unstructured.UnstructuredList{}
	list.SetAPIVersion(gvk.GroupVersion().String())
	list.SetKind(gvk.Kind + "List")
	list.SetResourceVersion("1")
	for i, t := range targets {
		obj := &unstructured.Unstructured{Object: t.Written()}
		obj.SetUID(types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i)))
		obj.SetResourceVersion(fmt.Sprint(i + 1))
		obj.SetGeneration(1)
		drift := i%100 == 7
		switch gvk.Kind {
		case "Deployment":
			_ = unstructured.SetNestedField(obj.Object, "RollingUpdate", "spec", "strategy", "type")
			_ = unstructured.SetNestedField(obj.Object, int64(10), "spec", "revisionHistoryLimit")
			_ = unstructured.SetNestedMap(obj.Object, map[string]any{"replicas": int64(2), "readyReplicas": int64(2), "observedGeneration": int64(1)}, "status")
			if drift {
				containers, _, _ := unstructured.NestedSlice(obj.Object, "spec", "template", "spec", "containers")
				containers[0].(map[string]any)["image"] = "registry.example.com/app:debug"
				_ = unstructured.SetNestedSlice(obj.Object, containers, "spec", "template", "spec", "containers")
			}
		case "Service":
			_ = unstructured.SetNestedField(obj.Object, fmt.Sprintf("10.0.%d.%d", i/250, i%250), "spec", "clusterIP")
			_ = unstructured.SetNestedField(obj.Object, "ClusterIP", "spec", "type")
			if drift {
				_ = unstructured.SetNestedField(obj.Object, "other", "spec", "selector", "app")
			}
		default:
			if drift {
				_ = unstructured.SetNestedField(obj.Object, "debug", "data", "LOG_LEVEL")
			}
		}
		if !ownership {
			list.Items = append(list.Items, *obj)
			continue
		}
		mf.set(obj)
		if drift { // by hand: the edit, and a label kubectl label added
			labels := obj.GetLabels()
			if labels == nil {
				labels = map[string]string{}
			}
			labels["edited-by"] = "me"
			obj.SetLabels(labels)
			edited := map[string]string{
				"Deployment": `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{"f:image":{}}}}}}}`,
				"Service":    `{"f:spec":{"f:selector":{}}}`,
			}[gvk.Kind]
			if edited == "" {
				edited = `{"f:data":{"f:LOG_LEVEL":{}}}`
			}
			later := metav1.NewTime(mf.at.Add(time.Hour))
			patch, label := mf.entry("kubectl-patch", "", []byte(edited)), mf.entry("kubectl-label", "", []byte(`{"f:metadata":{"f:labels":{"f:edited-by":{}}}}`))
			patch.Time, label.Time = &later, &later
			obj.SetManagedFields(append(obj.GetManagedFields(), patch, label))
		}
		list.Items = append(list.Items, *obj)
	}
	return list
}
