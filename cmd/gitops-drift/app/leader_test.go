package app_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// leads counts the candidates leading at once in a test: never more than one.
type leads struct {
	now, most atomic.Int32
}

func (l *leads) start() {
	n := l.now.Add(1)
	for m := l.most.Load(); n > m && !l.most.CompareAndSwap(m, n); m = l.most.Load() {
	}
}

// candidate is one replica's campaign, whose lead stands for the auditor.
type candidate struct {
	id      string
	reg     *prometheus.Registry
	terms   atomic.Int32 // leads started
	leading atomic.Bool
	cancel  context.CancelFunc
	done    chan error // Start's result
	waited  sync.Once

	mu sync.Mutex
	// heldAtStop is the Lease's holder, read by lead when told to stop.
	heldAtStop []string
}

// campaign starts a candidate for the Lease in ns until the test ends.
func campaign(t *testing.T, e *kubeenv.Env, cs kubernetes.Interface, ns string, all *leads) *candidate {
	t.Helper()
	c := &candidate{reg: prometheus.NewRegistry(), done: make(chan error, 1)}
	m, err := metrics.New(c.reg)
	if err != nil {
		t.Fatal(err)
	}
	lead := func(ctx context.Context) error {
		c.terms.Add(1)
		all.start()
		c.leading.Store(true)
		<-ctx.Done()
		holder, err := leaseHolder(cs, ns) // times out while the server is frozen
		if err != nil {
			holder = "error: " + err.Error()
		}
		c.mu.Lock()
		c.heldAtStop = append(c.heldAtStop, holder)
		c.mu.Unlock()
		c.leading.Store(false)
		all.now.Add(-1)
		return nil
	}
	r, id, err := app.NewTestCampaign(e.Config, ns, lead, m)
	if err != nil {
		t.Fatal(err)
	}
	c.id = id
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.done <- r.Start(ctx) }()
	t.Cleanup(func() { c.stop(t, 30*time.Second) })
	return c
}

// stop cancels the candidate's context and waits up to timeout for Start to return nil; once.
func (c *candidate) stop(t *testing.T, timeout time.Duration) {
	t.Helper()
	c.cancel()
	c.waited.Do(func() {
		select {
		case err := <-c.done:
			if err != nil {
				t.Errorf("campaign %s: Start = %v", c.id, err)
			}
		case <-time.After(timeout):
			t.Errorf("campaign %s: Start did not return %s after its context ended", c.id, timeout)
		}
	})
}

// leaderGauge returns gitops_drift_leader, or -1 when absent.
func (c *candidate) leaderGauge(t *testing.T) float64 {
	t.Helper()
	mfs, err := c.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "gitops_drift_leader" {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return -1
}

// leaseHolder returns the holder of the Lease gitops-drift in ns; "" when released.
func leaseHolder(cs kubernetes.Interface, ns string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	lease, err := cs.CoordinationV1().Leases(ns).Get(ctx, "gitops-drift", metav1.GetOptions{})
	if err != nil || lease.Spec.HolderIdentity == nil {
		return "", err
	}
	return *lease.Spec.HolderIdentity, nil
}

// mustHolder is leaseHolder failing the test on an error.
func mustHolder(t *testing.T, cs kubernetes.Interface, ns string) string {
	t.Helper()
	h, err := leaseHolder(cs, ns)
	if err != nil {
		t.Fatalf("get the Lease: %v", err)
	}
	return h
}

// pollFor calls cond every 50ms until it holds, failing the test after timeout.
func pollFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

// TestCampaignHandsOver: of three replicas, one leads. A follower that stops leaves the Lease
// alone. The leader that stops ends its lead while it still holds the Lease, then releases it:
// another replica leads well before the Lease would have expired. Never two at once.
func TestCampaignHandsOver(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	var all leads
	cands := []*candidate{campaign(t, e, cs, ns, &all), campaign(t, e, cs, ns, &all), campaign(t, e, cs, ns, &all)}
	leader := func() *candidate {
		for _, c := range cands {
			if c.leading.Load() {
				return c
			}
		}
		return nil
	}
	pollFor(t, "a leader", 30*time.Second, func() bool { return leader() != nil })
	first := leader()
	if got := mustHolder(t, cs, ns); got != first.id {
		t.Errorf("Lease holder %q, want the leader %q", got, first.id)
	}
	var followers []*candidate
	for _, c := range cands {
		if want := map[bool]float64{true: 1, false: 0}[c == first]; c.leaderGauge(t) != want {
			t.Errorf("gitops_drift_leader of %s = %v, want %v", c.id, c.leaderGauge(t), want)
		}
		if c != first {
			followers = append(followers, c)
		}
	}

	followers[0].stop(t, 2*time.Second)
	if got := mustHolder(t, cs, ns); got != first.id {
		t.Errorf("after a follower stopped, the Lease holder is %q, want %q", got, first.id)
	}

	stopped := time.Now()
	first.stop(t, app.CampaignRenewDeadline+5*time.Second)
	if first.heldAtStop[0] != first.id {
		t.Errorf("the Lease holder when the leader's lead was told to stop = %q, want the leader %q: the Lease is released after the auditor stops", first.heldAtStop[0], first.id)
	}
	pollFor(t, "the other follower to lead", app.CampaignLeaseDuration/2, func() bool { return followers[1].leading.Load() })
	t.Logf("handed over %s after the leader was told to stop", time.Since(stopped).Round(time.Millisecond))

	followers[1].stop(t, app.CampaignRenewDeadline+5*time.Second)
	if got := mustHolder(t, cs, ns); got != "" {
		t.Errorf("the last leader stopped: Lease holder %q, want it released", got)
	}
	if n := all.most.Load(); n != 1 {
		t.Errorf("%d replicas led at once, want 1", n)
	}
}

// TestCampaignSurvivesFreeze: the leader loses the Lease while the API server does not
// answer: its lead stops, Start does not return, and once the server answers again the
// replica leads again.
func TestCampaignSurvivesFreeze(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	var all leads
	c := campaign(t, e, cs, ns, &all)
	pollFor(t, "the replica to lead", 30*time.Second, c.leading.Load)

	thaw := e.Freeze(t)
	pollFor(t, "the lead to stop while the server is frozen", app.CampaignRenewDeadline+10*time.Second, func() bool { return !c.leading.Load() })
	if got := c.leaderGauge(t); got != 0 {
		t.Errorf("gitops_drift_leader = %v after the Lease was lost, want 0", got)
	}
	select {
	case err := <-c.done:
		c.waited.Do(func() {})
		t.Fatalf("Start returned (%v) on a lost Lease; want it to campaign again", err)
	default:
	}
	thaw()

	pollFor(t, "the replica to lead again", 30*time.Second, func() bool { return c.terms.Load() == 2 && c.leading.Load() })
	if got := c.leaderGauge(t); got != 1 {
		t.Errorf("gitops_drift_leader = %v leading again, want 1", got)
	}
	if n := all.most.Load(); n != 1 {
		t.Errorf("%d leads at once, want 1", n)
	}
}
