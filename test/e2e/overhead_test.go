package e2e

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// benchEnv turns the admission load run on; it takes about a minute, so it is not part of the
// normal test run. `make bench` (hack/bench.sh) sets it and writes the result to BENCHMARKS.md.
const benchEnv = "GITOPS_DRIFT_BENCH"

// TestAdmissionOverhead patches a tracked Deployment N times (default 1,000; $GITOPS_DRIFT_BENCH_N)
// through the API server with client-go, without and then with the webhook registered, and
// reports the latency percentiles: the difference is the admission overhead (TLS call, decode,
// diff, response).
func TestAdmissionOverhead(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skipf("set %s=1 to run the admission load test", benchEnv)
	}
	e := setup(t)
	ns := e.Namespace(t)
	n := 1000
	if s := os.Getenv(benchEnv + "_N"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			t.Fatal(err)
		}
	}
	cfg := rest.CopyConfig(e.Config)
	cfg.QPS, cfg.Burst = -1, 0 // no client-side rate limit
	cfg.WarningHandler = rest.NoWarnings{}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.KubectlT(t, desiredApps, "apply", "-n", ns, "-f", "-")

	patch := func(body func(i int) string) []time.Duration {
		out := make([]time.Duration, 0, n)
		for i := range n {
			start := time.Now()
			_, err := cs.AppsV1().Deployments(ns).Patch(t.Context(), "frontend", types.StrategicMergePatchType, []byte(body(i)), metav1.PatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, time.Since(start))
		}
		return out
	}
	label := func(i int) string { return fmt.Sprintf(`{"metadata":{"labels":{"bench":"%d"}}}`, i) }
	image := func(i int) string { // every patch moves the drift to another value: warned
		return fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"frontend","image":"nginx:1.%d"}]}}}}`, 100+i%2)
	}

	baseLabel, baseImage := patch(label), patch(image)
	w := startWebhook(t, e, ns, desiredApps)
	hookLabel, hookImage := patch(label), patch(image)
	if w.metric("gitops_drift_manifest_load_errors_total") != 0 {
		t.Error("load errors during the run")
	}

	report := func(name string, base, hook []time.Duration) {
		b50, b99 := percentiles(base)
		h50, h99 := percentiles(hook)
		line := fmt.Sprintf("overhead %-34s n=%d  without webhook p50 %6.2fms p99 %6.2fms  with p50 %6.2fms p99 %6.2fms  overhead p50 %+6.2fms p99 %+6.2fms",
			name, n, ms(b50), ms(b99), ms(h50), ms(h99), ms(h50-b50), ms(h99-b99))
		t.Log(line)
		fmt.Println(line)
	}
	report("label patch (judged, no drift)", baseLabel, hookLabel)
	report("image patch (drift, 1 warning)", baseImage, hookImage)
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[len(s)*99/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
