package auditor

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

// fought is a ConfigMap a field manager fights over, and a bystander.
const fought = `
apiVersion: v1
kind: ConfigMap
metadata: {name: auto}
data: {color: blue}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: bystander}
data: {color: blue}
`

// fight changes data.color of a ConfigMap as the field manager "fighter" would.
func (f *fixture) fight(t *testing.T, name, color string) {
	t.Helper()
	f.kubectl(t, "patch", "configmap/"+name, "--field-manager", "fighter", "--type", "merge", "-p", `{"data":{"color":"`+color+`"}}`)
}

func (f *fixture) color(t *testing.T, name string) string {
	t.Helper()
	return f.kubectl(t, "get", "configmap", name, "-o", "jsonpath={.data.color}")
}

// TestContestedBackoff: a field manager reverts a remediated ConfigMap. The auditor records
// one RemediationContested Event and one log line naming it, leaves the object alone while it
// backs off (the clock is fake: the test steps it), keeps remediating another object, and
// writes the contested one again when the wait is over, then after a wait twice as long.
func TestContestedBackoff(t *testing.T) {
	f := newFixture(t, fought)
	rem, err := remediate.New(f.client, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktesting.NewFakeClock(time.Now())
	f.start(t, Options{Interval: time.Hour, Remediator: rem, Clock: clk})
	auto := "ConfigMap " + f.ns + "/auto"
	remediated := func() int { return countOf(f.events.reasons(auto), ReasonDriftRemediated) }

	f.fight(t, "auto", "red")
	f.poll(t, "the first remediation", 5*time.Second, func() bool { return remediated() == 1 })
	f.fight(t, "auto", "green")
	f.poll(t, "the contest announced", 5*time.Second, func() bool {
		return countOf(f.events.reasons(auto), ReasonRemediationContested) == 1
	})
	line := f.logs.Find(msgContested, map[string]any{logName: "auto"})
	if len(line) != 1 || line[0][logManager] != "fighter" {
		t.Errorf("contested lines = %v, want one naming fighter", line)
	}
	if drift := f.driftLine(t, "auto", triggerWatch, time.Second); drift[logAction] != "remediation-contested (by fighter)" {
		t.Errorf("action = %v, want remediation-contested (by fighter)", drift[logAction])
	}
	f.fight(t, "auto", "red") // fights on: nothing new to say, nothing written
	f.kubectl(t, "patch", "configmap/bystander", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.poll(t, "another object still remediated", 5*time.Second, func() bool { return f.color(t, "bystander") == "blue" })
	if got := f.color(t, "auto"); got != "red" || remediated() != 1 {
		t.Fatalf("while backing off: color %q, %d remediations; want the fighter's red, 1", got, remediated())
	}
	if v := f.gauge(t, "drifted"); v != 1 {
		t.Errorf("drifted gauge = %v while contested, want 1", v)
	}

	clk.Step(10 * time.Second)
	f.poll(t, "the write after 10s", 5*time.Second, func() bool { return f.color(t, "auto") == "blue" })
	f.fight(t, "auto", "green")
	f.poll(t, "the contest seen again", 5*time.Second, func() bool {
		return len(f.logs.Find(msgDrift, map[string]any{logName: "auto", logAction: "remediation-contested (by fighter)"})) >= 2
	})
	f.poll(t, "the next write queued", 5*time.Second, clk.HasWaiters)
	clk.Step(19 * time.Second) // fires what is due
	if !clk.HasWaiters() {
		t.Error("the next write was due within 19s of the second: the wait did not double to 20s")
	}
	if got := f.color(t, "auto"); got != "green" {
		t.Errorf("color = %q 19s after the second write, want green", got)
	}
	clk.Step(time.Second)
	f.poll(t, "the write after 20s", 5*time.Second, func() bool { return f.color(t, "auto") == "blue" })
	if n := countOf(f.events.reasons(auto), ReasonRemediationContested); n != 1 || remediated() != 3 {
		t.Errorf("%d RemediationContested and %d DriftRemediated Events, want 1 and 3", n, remediated())
	}
}

// TestContestLearntAtStart: an auditor repairs a ConfigMap and stops; a field manager changes
// it back; a new auditor starts (a restart, a new leader) with no memory of it. Its History,
// the first one's Events in the cluster, tells it that the object is contested: it names the
// fighter and waits before writing. An object it never wrote is repaired at once.
func TestContestLearntAtStart(t *testing.T) {
	f := newFixture(t, fought)
	rem, err := remediate.New(f.client, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs := f.env.Clientset(t)
	first, stop := context.WithCancel(t.Context())
	broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: cs.EventsV1()})
	broadcaster.StartRecordingToSink(first.Done())
	defer broadcaster.Shutdown()
	a := New(f.env.Config, f.store, Options{Interval: time.Minute, Remediator: rem, Log: f.logs.Logger(t),
		Recorder: broadcaster.NewRecorder(scheme.Scheme, "gitops-drift")})
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Start(first) }()
	f.poll(t, "the first auditor's audit", 30*time.Second, func() bool { return len(f.logs.Find(msgSummary, nil)) > 0 })
	f.fight(t, "auto", "red")
	history := &EventHistory{Client: cs, Controller: "gitops-drift"}
	f.poll(t, "the first auditor's DriftRemediated Event in the cluster", 10*time.Second, func() bool {
		tg, _ := f.store.Load().Lookup(manifest.Key{Kind: "ConfigMap", Namespace: f.ns, Name: "auto"})
		live := f.client.Fetch(t.Context(), []*unstructured.Unstructured{tg.Identity()})[0]
		if live.Err != nil || live.Object == nil {
			return false
		}
		reason, _, err := history.Last(t.Context(), live.Object)
		return err == nil && reason == ReasonDriftRemediated
	})
	stop()
	<-done
	f.fight(t, "auto", "green")
	f.fight(t, "bystander", "green")

	clk := clocktesting.NewFakeClock(time.Now())
	f.start(t, Options{Interval: time.Minute, Remediator: rem, Clock: clk, History: history})
	line := f.driftLine(t, "auto", triggerAudit, time.Second)
	if line[logAction] != "remediation-contested (by fighter)" {
		t.Errorf("auto at the first audit: action %v, want remediation-contested (by fighter)", line[logAction])
	}
	if got := f.color(t, "bystander"); got != "blue" {
		t.Errorf("bystander, which gitops-drift never wrote, is %q after the first audit, want blue", got)
	}
	if got := f.color(t, "auto"); got != "green" {
		t.Errorf("auto is %q after the first audit, want green: contested, it waits", got)
	}
	if !slices.ContainsFunc(f.events.take(), func(e event) bool {
		return e.Reason == ReasonRemediationContested && strings.HasPrefix(e.Note, "fighter ")
	}) {
		t.Error("no RemediationContested Event naming fighter")
	}
	clk.Step(10 * time.Second)
	f.poll(t, "auto written after 10s", 5*time.Second, func() bool { return f.color(t, "auto") == "blue" })
}

func countOf(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
