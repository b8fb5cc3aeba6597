package auditor

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

const threeConfigMaps = `
apiVersion: v1
kind: ConfigMap
metadata: {name: first}
data: {color: blue}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: second}
data: {color: blue}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: alert
  annotations: {drift.gitops.io/remediation-policy: alert}
data: {color: blue}
`

// startRun starts a's Start and returns what ends it: stop cancels its context and waits for
// Start to return. The test's end calls it too.
func startRun(t *testing.T, a *Auditor) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Start(ctx); err != nil {
			t.Errorf("Start: %v", err)
		}
	}()
	stop = sync.OnceFunc(func() {
		cancel()
		<-done
	})
	t.Cleanup(stop)
	return stop
}

// TestRestartListsAgain stops an Auditor, changes the cluster while it is stopped (as while
// serve has lost its Lease), and starts the same Auditor again: its first audit judges what
// the server holds now, not what the stopped run saw. An object that drifted then (not
// repaired: the manifests failed to load) and was put back by hand meanwhile is reported
// resolved and not written; one that drifted while it was stopped is repaired; one whose
// policy is alert is reported. While stopped, the auditor exports no drift gauges.
func TestRestartListsAgain(t *testing.T) {
	f := newFixture(t, threeConfigMaps)
	rem, err := remediate.New(f.client, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := metrics.New(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	var broken atomic.Bool
	broken.Store(true)
	a := New(f.env.Config, f.store, Options{Interval: time.Hour, Remediator: rem, Log: f.logs.Logger(t), Metrics: m, Recorder: &f.events,
		ReloadErr: func() error {
			if broken.Load() {
				return errors.New("bad.yaml:1: broken")
			}
			return nil
		}})
	audits := func() int { return len(f.logs.Find(msgSummary, nil)) }
	color := func(name string) string {
		return f.kubectl(t, "get", "configmap", name, "-o", "jsonpath={.data.color}")
	}

	stop := startRun(t, a)
	f.poll(t, "the first audit", 30*time.Second, func() bool { return audits() == 1 })
	f.kubectl(t, "patch", "configmap/first", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.driftLine(t, "first", triggerWatch, 2*time.Second)
	stop()
	if got := f.gauge(t, "drifted"); got != -1 {
		t.Errorf("drifted gauge = %v after the auditor stopped, want none", got)
	}

	// While stopped: first put back by hand, second and alert changed.
	f.kubectl(t, "patch", "configmap/first", "--type", "merge", "-p", `{"data":{"color":"blue"}}`)
	firstVersion := f.kubectl(t, "get", "configmap", "first", "-o", "jsonpath={.metadata.resourceVersion}")
	f.kubectl(t, "patch", "configmap/second", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.kubectl(t, "patch", "configmap/alert", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	broken.Store(false)
	f.events.take()

	startRun(t, a)
	f.poll(t, "the restarted auditor's first audit", 30*time.Second, func() bool { return audits() == 2 })
	if lines := f.logs.Find(msgResolved, map[string]any{logName: "first", logTrigger: triggerAudit}); len(lines) != 1 {
		t.Errorf("%d %q lines of first from the restarted auditor's audit, want 1", len(lines), msgResolved)
	}
	if got := f.kubectl(t, "get", "configmap", "first", "-o", "jsonpath={.metadata.resourceVersion}"); got != firstVersion {
		t.Errorf("first was written (resourceVersion %s, then %s): it was in sync when the auditor started again", firstVersion, got)
	}
	if got := color("second"); got != "blue" {
		t.Errorf("second's color = %q, want blue: it drifted while the auditor was stopped", got)
	}
	if got := color("alert"); got != "red" {
		t.Errorf("alert's color = %q, want red: its policy forbids remediation", got)
	}
	events := map[string][]string{}
	for _, e := range f.events.take() {
		events[e.Object] = append(events[e.Object], e.Reason)
	}
	for name, want := range map[string][]string{
		"first":  nil,
		"second": {ReasonDriftDetected, ReasonDriftRemediated},
		"alert":  {ReasonDriftDetected, ReasonRemediationBlocked},
	} {
		if got := events["ConfigMap "+f.ns+"/"+name]; !slices.Equal(got, want) {
			t.Errorf("Events of %s = %v, want %v", name, got, want)
		}
	}
	if got := f.counter(t, "gitops_drift_remediations_total", metrics.ResultRemediated); got != 1 {
		t.Errorf("remediations counted: %v, want 1 (second)", got)
	}
	if got := f.gauge(t, "drifted"); got != 1 {
		t.Errorf("drifted gauge = %v, want 1 (alert)", got)
	}
}
