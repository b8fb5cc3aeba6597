package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// freezeFor is how long the API server stops answering: three times the 10s in which a
// leader must renew its Lease.
const freezeFor = 30 * time.Second

// TestServeSurvivesAPIServerFreeze: with --leader-elect and --remediate, the API server stopped
// (SIGSTOP) for 30s and resumed. The leader loses its Lease; every serve process keeps running,
// ready, its webhook answering from memory throughout; after the thaw the webhook is called
// through the API server again and an auditor (the old leader's or, with two replicas, maybe
// the other's) reports and repairs a change made after the thaw within 10s.
//
// Nothing is remediated from the stale view: the change after the thaw is the only write.
// gitops_drift_remediations_total (remediated, all replicas) grows by exactly one, frontend
// has one DriftRemediated Event, no other tracked object is written (its resourceVersion is as
// before the freeze) and none counts a failed remediation.
func TestServeSurvivesAPIServerFreeze(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) { freezeScenario(t, n) })
	}
}

func freezeScenario(t *testing.T, n int) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredApps)
	args := []string{"--leader-elect", "--leader-election-namespace", ns, "--remediate", "--audit-interval", "1h"}
	replicas := []*webhook{startWebhook(t, e, ns, desiredApps, args...)} // registered with the API server
	for len(replicas) < n {
		replicas = append(replicas, startServe(t, e, ns, desiredApps, args...))
	}
	w := replicas[0]
	leader := waitLeader(t, replicas)
	leader.waitAudited()
	tracked := []string{"deployment/frontend", "deployment/payments", "deployment/worker", "configmap/settings"}
	versions := resourceVersions(t, w, tracked)
	remediated := sum(replicas, `gitops_drift_remediations_total{result="remediated"}`)
	old := w.mustGet("deployment", "frontend")

	thaw := e.Freeze(t)
	frozen := time.Now()
	reviews, lost := 0, false
	tick := time.NewTicker(time.Second) // the pace of the checks during the freeze
	for time.Since(frozen) < freezeFor {
		for i, r := range replicas {
			if resp := r.reviewOf(t, ns, old); !resp.Allowed || len(resp.Warnings) == 0 || !strings.Contains(resp.Warnings[0], "gitops-drift") {
				t.Fatalf("replica %d answered %+v %s into the freeze, want allowed with a gitops-drift warning", i, resp, time.Since(frozen).Round(time.Second))
			}
			if !r.ready() {
				t.Fatalf("replica %d not ready %s into the freeze", i, time.Since(frozen).Round(time.Second))
			}
			reviews++
		}
		lost = lost || sum(replicas, "gitops_drift_leader") == 0
		<-tick.C
	}
	tick.Stop()
	thaw()
	t.Logf("%d AdmissionReviews answered from memory during the %s freeze", reviews, freezeFor)
	if !lost {
		t.Errorf("no replica lost the Lease during the %s freeze: the scenario did not happen", freezeFor)
	}
	if !strings.Contains(leader.out.String(), "lease lost: auditor stopped, webhook still serving") {
		t.Errorf("the leader did not log that it lost the Lease")
	}

	changed := time.Now()
	stderr := w.mustKubectl("", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	wantContains(t, stderr, "Warning: gitops-drift: Deployment frontend")
	var by *webhook
	w.poll("an auditor to repair frontend", 10*time.Second-time.Since(changed), func() bool {
		for _, r := range replicas {
			if r.logLine("audit drift", map[string]string{"name": "frontend", "action": "remediated"}) != nil {
				by = r
				return true
			}
		}
		return false
	})
	w.poll("frontend reverted and its DriftRemediated Event", 10*time.Second-time.Since(changed), func() bool {
		return w.image("frontend") == "nginx:1.25" && len(w.events("frontend", "DriftRemediated")) == 1
	})
	t.Logf("frontend reported and repaired %s after the change", time.Since(changed).Round(time.Millisecond))

	for i, r := range replicas {
		select {
		case <-r.exited:
			t.Errorf("replica %d exited: %v", i, r.cmd.ProcessState)
		default:
		}
		if strings.Contains(r.out.String(), "leader election lost") {
			t.Errorf("replica %d: the Manager's leader election ran", i)
		}
	}
	if got := strings.Count(by.out.String(), `"msg":"auditor started"`); by == leader && got < 2 {
		t.Errorf("the leader logged %q %d times, want its auditor started again in the same process", "auditor started", got)
	}
	if got := sum(replicas, `gitops_drift_remediations_total{result="remediated"}`); got != remediated+1 {
		t.Errorf("remediations counted %v, want %v: frontend's, after the thaw, alone", got, remediated+1)
	}
	if got := sum(replicas, `gitops_drift_remediations_total{result="failed"}`); got != 0 {
		t.Errorf("failed remediations counted: %v, want none", got)
	}
	after := resourceVersions(t, w, tracked)
	for _, obj := range tracked[1:] {
		if after[obj] != versions[obj] {
			t.Errorf("%s written during the outage (resourceVersion %s, then %s)", obj, versions[obj], after[obj])
		}
	}
	for _, name := range []string{"payments", "worker", "settings"} {
		if evs := w.events(name, "DriftRemediated"); len(evs) != 0 {
			t.Errorf("%s: DriftRemediated Events %v, want none", name, evs)
		}
	}
}

// waitLeader waits until exactly one replica leads, and returns it.
func waitLeader(t *testing.T, replicas []*webhook) *webhook {
	t.Helper()
	var leader *webhook
	replicas[0].poll("a leader", 30*time.Second, func() bool {
		leader = nil
		for _, r := range replicas {
			if v, _ := r.sample("gitops_drift_leader"); v == 1 {
				if leader != nil {
					return false
				}
				leader = r
			}
		}
		return leader != nil
	})
	return leader
}

// sum adds up a sample over the replicas (0 where absent).
func sum(replicas []*webhook, name string) float64 {
	total := 0.0
	for _, r := range replicas {
		v, _ := r.sample(name)
		total += v
	}
	return total
}

// ready reports whether serve's /readyz answers 200.
func (w *webhook) ready() bool {
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", w.health))
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// mustGet returns an object of w's namespace as JSON.
func (w *webhook) mustGet(kind, name string) string {
	w.t.Helper()
	out, stderr, err := w.kubectl("", "", "get", kind, name, "-o", "json")
	if err != nil {
		w.t.Fatalf("get %s %s: %v\n%s", kind, name, err, stderr)
	}
	return out
}

// resourceVersions returns the resourceVersion of each object (kind/name) of w's namespace.
func resourceVersions(t *testing.T, w *webhook, objs []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, obj := range objs {
		v, stderr, err := w.kubectl("", "", "get", obj, "-o", "jsonpath={.metadata.resourceVersion}")
		if err != nil {
			t.Fatalf("get %s: %v\n%s", obj, err, stderr)
		}
		out[obj] = v
	}
	return out
}
