package e2e

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// benchEnv turns the admission load run on; it takes a minute or two, so it is not part of
// the normal test run. `make bench` (hack/bench.sh) sets it and writes the result to
// BENCHMARKS.md. benchEnv+"_N" sets the patches of each kind each arm makes (default 1,000),
// benchEnv+"_CONCURRENCY" how many Deployments are patched at once, one goroutine each
// (default 1).
const benchEnv = "GITOPS_DRIFT_BENCH"

// benchRounds is how many times each arm is measured. The arms take turns, each round
// starting with the next one, so each is first, second and third alike, and a change of the
// machine's load during the run falls on the three alike.
const benchRounds = 6

// servedRequests is the sample of controller-runtime's webhook server that counts the
// requests serve answered.
const servedRequests = `controller_runtime_webhook_requests_total{code="200",webhook="/validate"}`

// benchArm is one way the API server admits the patches: without a webhook, through the
// do-nothing webhook, or through gitops-drift.
type benchArm struct {
	name       string
	register   func() // registers the arm's webhook and waits until the API server calls it
	unregister func() // and waits until it stops calling it
	calls      func() int
	warns      bool // the arm warns on a drifting patch
}

// patchKind is a patch the test times.
type patchKind struct {
	name  string
	body  func(seq int) string // the seq-th patch of this kind of a Deployment
	drift bool                 // every patch drifts from Git: gitops-drift warns
}

var patchKinds = []patchKind{
	{name: "label patch (judged, no drift)", body: func(seq int) string {
		return fmt.Sprintf(`{"metadata":{"labels":{"bench":"%d"}}}`, seq)
	}},
	{name: "image patch (drift, 1 warning)", drift: true, body: func(seq int) string {
		// Each patch moves the drift to the other value: a change, warned.
		return fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"frontend","image":"nginx:1.%d"}]}}}}`, 100+seq%2)
	}},
}

// TestAdmissionOverhead measures what gitops-drift adds to a change's latency through the
// API server, against what any webhook costs. It patches tracked Deployments with client-go
// in three arms: without a webhook, through a webhook that allows everything (doNothing:
// controller-runtime's webhook server in a process of its own, with serve's certificate, TLS
// settings and registration), and through `gitops-drift serve --no-audit`. One webhook is registered at a
// time, each awaited until the API server calls it; the arms take turns for benchRounds
// rounds. It prints, per patch kind, the p50 and p99 of each arm, the webhook's cost
// (do-nothing - none), what gitops-drift adds on top (gitops-drift - do-nothing) and that as
// a share of the webhook's cost, and each arm's rate: `overhead ...` lines, which
// hack/bench.sh copies.
func TestAdmissionOverhead(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skipf("set %s=1 to run the admission load test", benchEnv)
	}
	n, workers := benchSetting(t, "_N", 1000), benchSetting(t, "_CONCURRENCY", 1)
	e := setup(t)
	ns := e.Namespace(t)
	desired, names := benchDesired(workers)
	e.KubectlT(t, desired, "apply", "-n", ns, "-f", "-")
	drift := startServe(t, e, ns, desired, "--no-audit")
	noop := startDoNothing(t, e, ns)
	sameTLS(t, drift.port, noop.port)
	if t.Failed() {
		t.FailNow()
	}
	arms := []benchArm{
		{name: "none", register: func() {}, unregister: func() {}, calls: func() int { return 0 }},
		{name: "do-nothing", register: noop.register, unregister: noop.unregister, calls: noop.calls},
		{name: "gitops-drift", register: drift.register, unregister: drift.unregister, warns: true, calls: func() int {
			v, _ := drift.sample(servedRequests)
			return int(v)
		}},
	}
	b := newPatcher(t, e, ns, names)
	per := (n + benchRounds*workers - 1) / (benchRounds * workers) // patches per Deployment, kind and turn
	for _, k := range patchKinds {
		b.patch(k, per) // warm-up, unrecorded: connections, the API server's caches
	}
	b.warnings.Take()
	got := make([][]timings, len(arms)) // [arm][kind]
	for i := range got {
		got[i] = make([]timings, len(patchKinds))
	}
	for r := range benchRounds {
		for i := range arms {
			ai := (r + i) % len(arms)
			arms[ai].register()
			for ki, k := range patchKinds {
				before := armCalls(arms)
				got[ai][ki].add(b.patch(k, per))
				checkArms(t, arms, ai, k, before, per*workers, b.drifted())
			}
			arms[ai].unregister()
		}
	}
	if drift.metric("gitops_drift_manifest_load_errors_total") != 0 {
		t.Error("load errors during the run")
	}
	for _, line := range overheadLines(workers, got) {
		fmt.Println(line) // stdout: hack/bench.sh keeps the lines
	}
}

// benchSetting returns the integer of the environment variable benchEnv+suffix, or def.
func benchSetting(t *testing.T, suffix string, def int) int {
	t.Helper()
	s := os.Getenv(benchEnv + suffix)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		t.Fatalf("%s=%q: want a positive integer", benchEnv+suffix, s)
	}
	return v
}

// benchDesired returns desiredApps with workers-1 copies of its frontend Deployment
// (frontend-1, frontend-2, ...), and the names of the Deployments the workers patch.
func benchDesired(workers int) (string, []string) {
	names := []string{"frontend"}
	var b strings.Builder
	b.WriteString(desiredApps)
	for i := 1; i < workers; i++ {
		name := fmt.Sprintf("frontend-%d", i)
		names = append(names, name)
		fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: %[1]s
spec:
  replicas: 1
  selector:
    matchLabels:
      app: %[1]s
  template:
    metadata:
      labels:
        app: %[1]s
    spec:
      containers:
        - name: frontend
          image: nginx:1.25
`, name)
	}
	return b.String(), names
}

// armCalls returns how many requests each arm's webhook has answered.
func armCalls(arms []benchArm) []int {
	out := make([]int, len(arms))
	for i, a := range arms {
		out[i] = a.calls()
	}
	return out
}

// checkArms fails the test unless the patches just made (patches of kind k, arm active
// registered) reached the active arm's webhook alone, and were warned as its arm warns. The
// webhook may be called more than once for a patch: the API server admits a patch again when
// it retries it on a conflict (its watch cache's copy of the object was behind).
func checkArms(t *testing.T, arms []benchArm, active int, k patchKind, before []int, patches, warned int) {
	t.Helper()
	var errs []error
	for i, c := range armCalls(arms) {
		switch c -= before[i]; {
		case i != active && c != 0:
			errs = append(errs, fmt.Errorf("%s's webhook answered %d requests", arms[i].name, c))
		case i == active && arms[i].name != "none" && c < patches:
			errs = append(errs, fmt.Errorf("%s's webhook answered %d requests, want at least %d", arms[i].name, c, patches))
		}
	}
	want := 0
	if a := arms[active]; a.warns && k.drift {
		want = patches
	}
	if warned != want {
		errs = append(errs, fmt.Errorf("%d gitops-drift warnings, want %d", warned, want))
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("%d %s with %s registered:\n%v", patches, k.name, arms[active].name, err)
	}
}

// patcher patches its Deployments, one goroutine each, through a client without a rate limit.
type patcher struct {
	t        *testing.T
	cs       kubernetes.Interface
	ns       string
	names    []string
	seq      map[string][]int // per kind, the patches made of each Deployment
	warnings *kubeenv.Warnings
}

func newPatcher(t *testing.T, e *kubeenv.Env, ns string, names []string) *patcher {
	t.Helper()
	p := &patcher{t: t, ns: ns, names: names, seq: map[string][]int{}, warnings: &kubeenv.Warnings{}}
	cfg := rest.CopyConfig(e.Config)
	cfg.QPS, cfg.Burst = -1, 0 // no client-side rate limit
	cfg.WarningHandler = p.warnings
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p.cs = cs
	for _, k := range patchKinds {
		p.seq[k.name] = make([]int, len(names))
	}
	return p
}

// patch patches each Deployment per times with k, all Deployments at once, and returns the
// latencies and the time from the first patch's start to the last one's end.
func (p *patcher) patch(k patchKind, per int) timings {
	p.t.Helper()
	lat := make([][]time.Duration, len(p.names))
	errs := make([]error, len(p.names))
	seq := p.seq[k.name]
	var wg sync.WaitGroup
	start := time.Now()
	for w, name := range p.names {
		wg.Go(func() {
			lat[w] = make([]time.Duration, 0, per)
			for range per {
				body := []byte(k.body(seq[w]))
				seq[w]++
				t0 := time.Now()
				if _, err := p.cs.AppsV1().Deployments(p.ns).Patch(p.t.Context(), name, types.StrategicMergePatchType, body, metav1.PatchOptions{}); err != nil {
					errs[w] = fmt.Errorf("patch %s: %w", name, err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	out := timings{wall: time.Since(start)}
	if err := errors.Join(errs...); err != nil {
		p.t.Fatal(err)
	}
	for _, l := range lat {
		out.lat = append(out.lat, l...)
	}
	return out
}

// drifted returns how many gitops-drift warnings the patches got since the last call.
func (p *patcher) drifted() int {
	n := 0
	for _, w := range p.warnings.Take() {
		if strings.Contains(w, "gitops-drift") {
			n++
		}
	}
	return n
}

// timings is what patches took: each one's latency, and the wall time of their batches.
type timings struct {
	lat  []time.Duration
	wall time.Duration
}

func (s *timings) add(o timings) {
	s.lat = append(s.lat, o.lat...)
	s.wall += o.wall
}

// rate returns the patches a second.
func (s timings) rate() float64 { return float64(len(s.lat)) / s.wall.Seconds() }

// overheadTarget is the target: gitops-drift adds less than this share of what the
// do-nothing webhook costs, at p50 and p99.
const overheadTarget = 0.20

// overheadLines renders got ([arm][kind]: none, do-nothing, gitops-drift) as a header and
// three lines per kind (p50, p99, rate), each starting with "overhead ".
func overheadLines(workers int, got [][]timings) []string {
	const row = "overhead %-32s %7s %6s %-6s %9s %10s %12s %11s %17s %7s %s"
	lines := []string{fmt.Sprintf(row, "patch", "workers", "n", "", "none", "do-nothing", "gitops-drift", "any webhook", "gitops-drift adds", "share", "target")}
	for ki, k := range patchKinds {
		none, noop, drift := got[0][ki], got[1][ki], got[2][ki]
		w, n := strconv.Itoa(workers), strconv.Itoa(len(drift.lat))
		for _, stat := range []struct {
			name string
			pick func([]time.Duration) time.Duration
		}{
			{"p50", func(d []time.Duration) time.Duration { p50, _ := percentiles(d); return p50 }},
			{"p99", func(d []time.Duration) time.Duration { _, p99 := percentiles(d); return p99 }},
		} {
			a, b, c := stat.pick(none.lat), stat.pick(noop.lat), stat.pick(drift.lat)
			share, verdict := overheadShare(b-a, c-b)
			lines = append(lines, fmt.Sprintf(row, k.name, w, n, stat.name, fmtMS(a), fmtMS(b), fmtMS(c),
				fmtDelta(b-a), fmtDelta(c-b), share, verdict))
		}
		lines = append(lines, strings.TrimRight(fmt.Sprintf(row, k.name, w, n, "rate", fmt.Sprintf("%.0f/s", none.rate()),
			fmt.Sprintf("%.0f/s", noop.rate()), fmt.Sprintf("%.0f/s", drift.rate()), "", "", "", ""), " "))
	}
	return lines
}

// overheadShare returns what gitops-drift adds as a share of the webhook's cost, and whether
// that meets overheadTarget. A share of a cost not above zero is meaningless: "n/a".
func overheadShare(webhook, adds time.Duration) (share, verdict string) {
	switch {
	case adds <= 0:
		return "<=0%", "met"
	case webhook <= 0:
		return "n/a", "n/a"
	}
	s := float64(adds) / float64(webhook)
	verdict = "met"
	if s >= overheadTarget {
		verdict = "not met"
	}
	return fmt.Sprintf("%.0f%%", 100*s), verdict
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fmtMS renders d in milliseconds.
func fmtMS(d time.Duration) string { return fmt.Sprintf("%.2fms", ms(d)) }

// fmtDelta renders d in milliseconds, signed.
func fmtDelta(d time.Duration) string { return fmt.Sprintf("%+.2fms", ms(d)) }
