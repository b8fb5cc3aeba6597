package check_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// macroManifests returns n objects in the shapes of test/macrobench's corpus, one file each:
// 60% Deployments (two containers), 20% Services, 20% ConfigMaps, 500 to a namespace.
func macroManifests(n int) fstest.MapFS {
	fs := fstest.MapFS{}
	for i := range n {
		ns := fmt.Sprint("bench-", i/500)
		var doc []byte
		switch i % 5 {
		case 0, 1, 2:
			doc = fmt.Appendf(nil, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: %[2]s
  annotations: {example.com/owner: team-%[2]s}
  labels: {app: app-%[1]d, tier: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: app-%[1]d}
  template:
    metadata:
      labels: {app: app-%[1]d}
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.%[1]d
          ports: [{containerPort: 8080}]
          env:
            - {name: MODE, value: prod}
            - {name: ID, value: "%[1]d"}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 256Mi}
        - name: log
          image: busybox:1.36
          args: [tail, -f, /var/log/app.log]
`, i, ns)
		case 3:
			doc = fmt.Appendf(nil, `apiVersion: v1
kind: Service
metadata: {name: svc-%[1]d, namespace: %[2]s, annotations: {example.com/owner: team-%[2]s}}
spec:
  selector: {app: app-%[1]d}
  ports: [{name: http, port: 80, targetPort: 8080}]
`, i, ns)
		default:
			doc = fmt.Appendf(nil, `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg-%[1]d, namespace: %[2]s, annotations: {example.com/owner: team-%[2]s}}
data: {LOG_LEVEL: info, TTL: "300", ID: "%[1]d"}
`, i, ns)
		}
		fs[fmt.Sprintf("%06d.yaml", i)] = &fstest.MapFile{Data: doc}
	}
	return fs
}

// BenchmarkLoadPeak reads and compiles 1,000 and 10,000 objects of test/macrobench's corpus
// (macroManifests), as a reload of `serve` does, and reports, above the heap before the load:
// peak-live-MB, the most heap a collection found live during the load (runtime/metrics
// /gc/heap/live:bytes, what GODEBUG=gctrace=1 prints third; it counts what was allocated
// while the collection marked, garbage or not, so it is above what is reachable at any one
// moment); peak-heap-MB, the most heap its objects took, live or not yet swept
// (/memory/classes/heap/objects:bytes), which is what the process's memory must hold; and
// retained-MB, what the compiled state keeps after the load. With more than one iteration, the
// peaks are the highest of any iteration. Each object is compiled as it is read, and let go, as
// the Loader does (pkg/desired): manifest.LoadFSEach into a Compilation.
func BenchmarkLoadPeak(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			fs := macroManifests(n)
			norm, err := normalize.New(nil)
			if err != nil {
				b.Fatal(err)
			}
			c := check.Compiler{Schemas: schema.NewResolver(nil), Normalizer: norm, Manual: check.DefaultManualManagers()}
			load := func() *check.Desired {
				comp, err := c.Start("bench")
				if err != nil {
					b.Fatal(err)
				}
				warnings, err := manifest.LoadFSEach(fs, manifest.Options{}, comp.Add)
				if err != nil {
					b.Fatal(err)
				}
				d, err := comp.Done(warnings)
				if err != nil {
					b.Fatal(err)
				}
				return d
			}
			load() // the scheme's and the schemas' caches, which every load shares
			var peak heapPeak
			var retained uint64
			for b.Loop() {
				b.StopTimer()
				before := heapAfterGC()
				stop := sampleHeap(before)
				b.StartTimer()
				d := load()
				b.StopTimer()
				p := stop()
				retained = heapAfterGC() - before
				runtime.KeepAlive(d)
				peak.live, peak.heap = max(peak.live, p.live), max(peak.heap, p.heap)
				b.StartTimer()
			}
			const mb = 1 << 20
			b.ReportMetric(float64(peak.live)/mb, "peak-live-MB")
			b.ReportMetric(float64(peak.heap)/mb, "peak-heap-MB")
			b.ReportMetric(float64(retained)/mb, "retained-MB")
		})
	}
}

// heapPeak is the most heap sampleHeap saw, in bytes above its base.
type heapPeak struct {
	live, heap uint64
}

// sampleHeap samples the heap every 200µs until the function it returns is called, which
// returns the peaks above base (the heap before the load).
func sampleHeap(base uint64) (stop func() heapPeak) {
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	done, out := make(chan struct{}), make(chan heapPeak)
	go func() {
		var p heapPeak
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			p.live = max(p.live, samples[0].Value.Uint64())
			p.heap = max(p.heap, samples[1].Value.Uint64())
			select {
			case <-done:
				p.live, p.heap = max(p.live, base)-base, max(p.heap, base)-base
				out <- p
				return
			case <-tick.C:
			}
		}
	}()
	return func() heapPeak {
		close(done)
		return <-out
	}
}
