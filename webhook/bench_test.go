package webhook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// Live copies of the Deployment of testdata/bench/desired, as the API server sends them.
const (
	// benchLiveFile has server defaults, a short status, an injected sidecar, and a
	// one-entry managedFields.
	benchLiveFile = "testdata/bench/live.json"
	// benchAppliedFile is the object as kubectl apply v1.37.2 and a kubectl rollout restart
	// left it on a real API server (last-applied annotation, managedFields of both), with
	// the status a Deployment controller writes added by hand (the test server runs none).
	benchAppliedFile = "testdata/bench/live-applied.json"
)

// benchFixture is a Deployment as Git has it (testdata/bench/desired) and as the API server
// sends it (benchLiveFile).
func benchFixture(b *testing.B) (*Handler, map[string]any, *check.Target) {
	return benchFixtureOf(b, benchLiveFile)
}

func benchFixtureOf(b *testing.B, liveFile string) (*Handler, map[string]any, *check.Target) {
	b.Helper()
	return benchFixtureWith(b, liveFile, Options{})
}

// benchFixtureWith is benchFixtureOf with a Handler of opts.
func benchFixtureWith(b *testing.B, liveFile string, opts Options) (*Handler, map[string]any, *check.Target) {
	b.Helper()
	set, err := manifest.Load("testdata/bench/desired", manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d := benchCompile(b, set)
	data, err := os.ReadFile(liveFile)
	if err != nil {
		b.Fatal(err)
	}
	var live map[string]any
	if err := json.Unmarshal(data, &live); err != nil {
		b.Fatal(err)
	}
	t, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "frontend"})
	return NewHandler(storeOf(d), opts), live, t
}

// benchCompile compiles set as serve does (kubectl's hand-edit managers set), the
// annotations ignored.
func benchCompile(b *testing.B, set *manifest.Set) *check.Desired {
	b.Helper()
	ignore, err := diff.ParsePaths("metadata.annotations")
	if err != nil {
		b.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Ignore: ignore, Manual: check.DefaultManualManagers()}.Compile(set, testRevision)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// benchmarkHandle runs the handler on req, reporting allocations and the 50th and 99th
// percentile of the time per request.
func benchmarkHandle(b *testing.B, h *Handler, req admission.Request, wantWarnings int) {
	benchmarkHandleEach(b, h, []admission.Request{req}, wantWarnings)
}

// benchmarkHandleEach is benchmarkHandle over reqs, each request the next of them (the
// first is checked, then the loop starts at the second).
func benchmarkHandleEach(b *testing.B, h *Handler, reqs []admission.Request, wantWarnings int) {
	resp := h.Handle(b.Context(), reqs[0])
	if !resp.Allowed || len(resp.Warnings) != wantWarnings {
		b.Fatalf("allowed = %v, warnings = %q; want allowed with %d warnings", resp.Allowed, resp.Warnings, wantWarnings)
	}
	var times []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i = (i + 1) % len(reqs)
		start := time.Now()
		h.Handle(b.Context(), reqs[i])
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkHandleDeploymentUpdate: an UPDATE that changes the image of a Git-managed
// container (drift in the new object, none in the old): two decodes, two diffs, one warning.
func BenchmarkHandleDeploymentUpdate(b *testing.B) {
	h, live, t := benchFixture(b)
	obj := gitCopy(live)
	mustSetField(b, obj, t, "spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")
	benchmarkHandle(b, h, newRequest(b, admissionv1.Update, obj, live), 1)
}

// BenchmarkHandleDeploymentUpdateApplied: the same UPDATE of the object as a real cluster has
// it (benchAppliedFile): four times the JSON, most of it managedFields, the last-applied
// annotation and the status, which Compare never reads.
func BenchmarkHandleDeploymentUpdateApplied(b *testing.B) {
	h, live, t := benchFixtureOf(b, benchAppliedFile)
	obj := gitCopy(live)
	mustSetField(b, obj, t, "spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")
	benchmarkHandle(b, h, newRequest(b, admissionv1.Update, obj, live), 1)
}

// BenchmarkHandleDeploymentUpdateCold is BenchmarkHandleDeploymentUpdate over 4,096
// Deployments like that one (named frontend-0, frontend-1...), each request for the next: no
// request finds the desired object it is judged by among those read recently (see
// check.Target.Want), so each one rebuilds it from its packed form, as on a replica that does
// not audit when every request is for another object.
func BenchmarkHandleDeploymentUpdateCold(b *testing.B) {
	const n = 4096
	data, err := os.ReadFile("testdata/bench/desired/deployment.json")
	if err != nil {
		b.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for i := range n {
		doc := bytes.Replace(data, []byte(`"name": "frontend",`), fmt.Appendf(nil, `"name": "frontend-%d",`, i), 1)
		fsys[fmt.Sprintf("deployment-%04d.json", i)] = &fstest.MapFile{Data: doc}
	}
	set, err := manifest.LoadFS(fsys, manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := NewHandler(storeOf(benchCompile(b, set)), Options{})
	_, live, t := benchFixture(b)
	reqs := make([]admission.Request, n)
	for i := range reqs {
		old := gitCopy(live)
		old["metadata"].(map[string]any)["name"] = fmt.Sprintf("frontend-%d", i)
		obj := gitCopy(old)
		mustSetField(b, obj, t, "spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")
		reqs[i] = newRequest(b, admissionv1.Update, obj, old)
	}
	benchmarkHandleEach(b, h, reqs, 1)
}

// BenchmarkDecode decodes the live Deployment as util/json does (the decoder before), and
// with decodeObject, whole and pruned to what Git sets, and with decodeForHandEdits.
func BenchmarkDecode(b *testing.B) {
	for _, file := range []string{benchLiveFile, benchAppliedFile} {
		_, live, t := benchFixtureOf(b, file)
		raw, err := json.Marshal(live)
		if err != nil {
			b.Fatal(err)
		}
		for _, dec := range []struct {
			name   string
			decode func() error
		}{
			{"util-json", func() error { var m map[string]any; return utiljson.Unmarshal(raw, &m) }},
			{"whole", func() error { _, err := decodeObject(raw, nil); return err }},
			{"pruned", func() error { _, err := decodeObject(raw, t); return err }},
			{"hand-edits", func() error { _, err := decodeForHandEdits(raw); return err }},
		} {
			b.Run(filepath.Base(file)+"/"+dec.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(raw)))
				for b.Loop() {
					if err := dec.decode(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkHandleDeploymentUpdateNoDrift: an UPDATE of a field Git does not set: one decode,
// one diff, no drift.
func BenchmarkHandleDeploymentUpdateNoDrift(b *testing.B) {
	h, live, t := benchFixture(b)
	obj := gitCopy(live)
	mustSetField(b, obj, t, "metadata.labels.touched", "yes")
	benchmarkHandle(b, h, newRequest(b, admissionv1.Update, obj, live), 0)
}

// BenchmarkHandleUntracked: the fast path, an object Git does not define.
func BenchmarkHandleUntracked(b *testing.B) {
	h, live, t := benchFixture(b)
	obj := gitCopy(live)
	mustSetField(b, obj, t, "metadata.name", "other")
	benchmarkHandle(b, h, newRequest(b, admissionv1.Update, obj, obj), 0)
}

func gitCopy(obj map[string]any) map[string]any {
	data, _ := json.Marshal(obj)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return out
}

func mustSetField(b *testing.B, obj map[string]any, t *check.Target, path string, v any) {
	b.Helper()
	setField(path, v)(b, obj, t.Schema)
}

// BenchmarkServeHTTP runs the whole http.Handler on the UPDATEs of the handler benchmarks:
// the AdmissionReview's bytes in, the answer's bytes out (net/http's own work left out).
func BenchmarkServeHTTP(b *testing.B) {
	for _, bench := range []struct{ name, file string }{
		{"DeploymentUpdate", benchLiveFile},
		{"DeploymentUpdateApplied", benchAppliedFile},
	} {
		b.Run(bench.name, func(b *testing.B) {
			h, live, t := benchFixtureOf(b, bench.file)
			obj := gitCopy(live)
			mustSetField(b, obj, t, "spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")
			benchmarkServe(b, h, reviewOf(b, reviewV1, newRequest(b, admissionv1.Update, obj, live)))
		})
	}
}

// benchmarkServe serves review, reporting allocations and the 50th and 99th percentile of
// the time per request.
func benchmarkServe(b *testing.B, h http.Handler, review []byte) {
	body := bytes.NewReader(review)
	r := httptest.NewRequestWithContext(b.Context(), http.MethodPost, Path, body)
	r.Header.Set("Content-Type", "application/json")
	w := &discardWriter{header: http.Header{}}
	h.ServeHTTP(w, r)
	if !bytes.Contains(w.last, []byte(`"allowed":true,"warnings":["gitops-drift: `)) {
		b.Fatalf("answer is not allowed with warnings: %s", w.last)
	}
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		body.Reset(review)
		r.ContentLength = int64(len(review))
		h.ServeHTTP(w, r)
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// discardWriter is an http.ResponseWriter that keeps the last body written.
type discardWriter struct {
	header http.Header
	last   []byte
}

func (w *discardWriter) Header() http.Header { return w.header }
func (w *discardWriter) WriteHeader(int)     {}
func (w *discardWriter) Write(b []byte) (int, error) {
	w.last = b
	return len(b), nil
}

// BenchmarkServeHTTPRecorder runs BenchmarkServeHTTP's UPDATE (a drifting image: warned, and
// recorded) without a Recorder and with one, whose queue a goroutine drains as Start does
// (every Interval), without writing: the request path's own cost of recording (issue 20).
func BenchmarkServeHTTPRecorder(b *testing.B) {
	for _, bench := range []struct{ name, file string }{
		{"DeploymentUpdate", benchLiveFile},
		{"DeploymentUpdateApplied", benchAppliedFile},
	} {
		for _, recording := range []bool{false, true} {
			name := bench.name + "/without"
			if recording {
				name = bench.name + "/with"
			}
			b.Run(name, func(b *testing.B) {
				var opts Options
				if recording {
					opts.Recorder = NewRecorder(nil, RecorderOptions{})
					go drain(b, opts.Recorder)
				}
				h, live, t := benchFixtureWith(b, bench.file, opts)
				obj := gitCopy(live)
				mustSetField(b, obj, t, "spec.template.spec.containers[name=frontend].image", "shop/frontend:9.9.9")
				benchmarkServe(b, h, reviewOf(b, reviewV1, newRequest(b, admissionv1.Update, obj, live)))
			})
		}
	}
}

// drain empties r's queue every Interval until the benchmark ends, as Recorder.Start does,
// writing nothing.
func drain(b *testing.B, r *Recorder) {
	tick := time.NewTicker(r.opts.Interval)
	defer tick.Stop()
	for {
		select {
		case <-b.Context().Done():
			return
		case <-tick.C:
			for len(r.queue) > 0 {
				a := <-r.queue
				r.bytes.Add(-a.size)
			}
		}
	}
}
