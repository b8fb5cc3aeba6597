package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// maxInFlight bounds the requests of the load generator waiting for an answer. A request due
// while that many are waiting is not sent, and counted.
const maxInFlight = 512

// load is the admission load: PATCH requests of tracked Deployments through the API server at
// a fixed rate, open loop (a slow answer does not delay the next request), half of them
// changing a label (judged, no drift) and half an image (drift: a warning).
type load struct {
	cs          kubernetes.Interface
	namespace   string
	deployments []string
	rate        int
	dryRun      bool
	warnings    *counter
}

// loadResult is one run of the load.
type loadResult struct {
	latencies []time.Duration // of the requests answered without error
	errors    int
	shed      int // not sent: maxInFlight requests were waiting
	warnings  int64
	elapsed   time.Duration
}

// counter is a client-go WarningHandler that counts warnings.
type counter struct{ n atomic.Int64 }

func (c *counter) HandleWarningHeader(int, string, string) { c.n.Add(1) }

func newLoad(cfg *rest.Config, namespace string, deployments []string, rate int, dryRun bool) (*load, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.QPS, cfg.Burst = -1, 0 // no client-side rate limit: the generator paces itself
	w := &counter{}
	cfg.WarningHandler = w
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &load{cs: cs, namespace: namespace, deployments: deployments, rate: rate, dryRun: dryRun, warnings: w}, nil
}

// run sends rate requests a second for d and waits for their answers.
func (l *load) run(ctx context.Context, d time.Duration) loadResult {
	total := int(d.Seconds() * float64(l.rate))
	interval := time.Second / time.Duration(l.rate)
	var (
		mu  sync.Mutex
		res = loadResult{latencies: make([]time.Duration, 0, total)}
		wg  sync.WaitGroup
	)
	sem := make(chan struct{}, maxInFlight)
	warnings := l.warnings.n.Load()
	start := time.Now()
	for i := range total {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait) // pacing, not synchronisation
		}
		select {
		case sem <- struct{}{}:
		default:
			res.shed++
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			took, err := l.request(ctx, i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.errors++
				return
			}
			res.latencies = append(res.latencies, took)
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.warnings = l.warnings.n.Load() - warnings
	slices.Sort(res.latencies)
	return res
}

// request sends the i-th request and returns how long it took.
func (l *load) request(ctx context.Context, i int) (time.Duration, error) {
	name := l.deployments[i%len(l.deployments)]
	var patch string
	if i%2 == 0 {
		patch = fmt.Sprintf(`{"metadata":{"labels":{"load":"%d"}}}`, i)
	} else { // moves the image between two values Git does not have, at each visit: new drift
		patch = fmt.Sprintf(`{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.example.com/app:load-%d"}]}}}}`, i/len(l.deployments)%2)
	}
	opts := metav1.PatchOptions{}
	if l.dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	start := time.Now()
	// The answer is read but not decoded: the generator shares the machine with the server.
	err := l.cs.AppsV1().RESTClient().Patch(types.StrategicMergePatchType).
		Namespace(l.namespace).Resource("deployments").Name(name).
		VersionedParams(&opts, scheme.ParameterCodec).Body([]byte(patch)).
		Do(ctx).Error()
	return time.Since(start), err
}

// percentile returns the p-th percentile (0 < p <= 1) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
