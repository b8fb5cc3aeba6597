package webhook

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// benchFixture is a Deployment as Git has it (testdata/bench/desired) and as the API server
// sends it (testdata/bench/live.json: server defaults, status, an injected sidecar).
func benchFixture(b *testing.B) (*Handler, map[string]any, *check.Target) {
	b.Helper()
	set, err := manifest.Load("testdata/bench/desired", manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ignore, err := diff.ParsePaths("metadata.annotations")
	if err != nil {
		b.Fatal(err)
	}
	d, err := check.Compile(set, testRevision, builtin.NewResolver(nil), ignore)
	if err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile("testdata/bench/live.json")
	if err != nil {
		b.Fatal(err)
	}
	var live map[string]any
	if err := json.Unmarshal(data, &live); err != nil {
		b.Fatal(err)
	}
	t, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "frontend"})
	return NewHandler(storeOf(d), Options{}), live, t
}

// benchmarkHandle runs the handler on req, reporting allocations and the 50th and 99th
// percentile of the time per request.
func benchmarkHandle(b *testing.B, h *Handler, req admission.Request, wantWarnings int) {
	resp := h.Handle(b.Context(), req)
	if !resp.Allowed || len(resp.Warnings) != wantWarnings {
		b.Fatalf("allowed = %v, warnings = %q; want allowed with %d warnings", resp.Allowed, resp.Warnings, wantWarnings)
	}
	var times []time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		h.Handle(b.Context(), req)
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
