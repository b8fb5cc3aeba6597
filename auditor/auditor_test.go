package auditor

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

const twoConfigMaps = `
apiVersion: v1
kind: ConfigMap
metadata: {name: auto}
data: {color: blue}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: alert
  annotations: {drift.gitops.io/remediation-policy: alert}
data: {color: blue}
`

// TestWatchEventReported changes an object behind the auditor's back (no webhook here) and
// expects the drift reported within 2 seconds, from the watch event: the full audits are an
// hour apart.
func TestWatchEventReported(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	f.start(t, Options{Interval: time.Hour})
	if got := f.gauge(t, "drifted"); got != 0 {
		t.Fatalf("drifted gauge = %v after the first audit, want 0", got)
	}

	start := time.Now()
	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	line := f.driftLine(t, "auto", triggerWatch, 2*time.Second)
	t.Logf("drift reported %s after the change", time.Since(start).Round(time.Millisecond))
	want := map[string]any{
		"status": "drifted", "action": "drift-detected (dry-run)", "revision": "test", "resource": "ConfigMap " + f.ns + "/auto",
		"fields": []any{map[string]any{"path": "data.color", "desired": "blue", "live": "red", "owner": "<checked>"}},
	}
	// The owner's time is when kubectl wrote: check its presence, then compare the rest.
	if fields, _ := line["fields"].([]any); len(fields) == 1 {
		if f, _ := fields[0].(map[string]any); f != nil {
			if o, _ := f["owner"].(map[string]any); o["manager"] != "kubectl-patch" || o["operation"] != "Update" || o["time"] == nil {
				t.Errorf("log line owner %v, want kubectl-patch, Update and a time", f["owner"])
			}
			f["owner"] = "<checked>"
		}
	}
	for k, v := range want {
		if diff := cmp.Diff(v, line[k]); diff != "" {
			t.Errorf("log line %s (-want +got):\n%s", k, diff)
		}
	}
	if id, _ := line[logAuditID].(string); id == "" {
		t.Errorf("log line without an audit ID: %v", line)
	}
	f.poll(t, "the DriftDetected Event", 2*time.Second, func() bool {
		return slices.Equal(f.events.reasons("ConfigMap "+f.ns+"/auto"), []string{ReasonDriftDetected})
	})
	if ev := f.events.take(); !ev[0].UID || !strings.Contains(ev[0].Note, "data.color") {
		t.Errorf("Event = %+v, want one about the live object (with its UID) naming data.color", ev[0])
	}
	f.poll(t, "the drifted gauge at 1", 2*time.Second, func() bool { return f.gauge(t, "drifted") == 1 })

	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"blue"}}`)
	f.poll(t, "the drift resolved", 2*time.Second, func() bool {
		return len(f.logs.Find(msgResolved, map[string]any{logName: "auto"})) == 1 && f.gauge(t, "drifted") == 0
	})
	if ev := f.events.take(); len(ev) != 0 {
		t.Errorf("Events after the drift was resolved: %+v", ev)
	}
}

// TestRemediation repairs an object changed behind the auditor's back and creates one deleted,
// and leaves an object whose policy is alert as it is.
func TestRemediation(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	rem, err := remediate.New(f.client, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.start(t, Options{Interval: time.Hour, Remediator: rem})
	color := func(name string) string {
		return f.kubectl(t, "get", "configmap", name, "--ignore-not-found", "-o", "jsonpath={.data.color}")
	}

	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.kubectl(t, "patch", "configmap/alert", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.poll(t, "auto remediated", 5*time.Second, func() bool {
		return slices.Equal(f.events.reasons("ConfigMap "+f.ns+"/auto"), []string{ReasonDriftDetected, ReasonDriftRemediated})
	})
	if got := color("auto"); got != "blue" {
		t.Errorf("auto's color = %q after remediation, want blue", got)
	}
	f.poll(t, "alert blocked", 5*time.Second, func() bool {
		return slices.Equal(f.events.reasons("ConfigMap "+f.ns+"/alert"), []string{ReasonDriftDetected, ReasonRemediationBlocked})
	})
	if got := color("alert"); got != "red" {
		t.Errorf("alert's color = %q, want red: its policy forbids remediation", got)
	}
	line := f.driftLine(t, "alert", triggerWatch, time.Second)
	if line[logAction] != "drift-detected (remediation-blocked)" {
		t.Errorf("alert's action = %v, want drift-detected (remediation-blocked)", line[logAction])
	}

	f.kubectl(t, "delete", "configmap", "auto")
	f.poll(t, "auto created again", 5*time.Second, func() bool { return color("auto") == "blue" })
	line = f.driftLine(t, "auto", triggerWatch, time.Second)
	if line[logStatus] != "missing" || line[logAction] != "created" {
		t.Errorf("auto's line after deletion: status %v, action %v; want missing, created", line[logStatus], line[logAction])
	}
}

// TestRemediationPausedWhileReloadFails reports drift but never repairs it while the latest
// manifests do not load.
func TestRemediationPausedWhileReloadFails(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	rem, err := remediate.New(f.client, remediate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.start(t, Options{Interval: time.Hour, Remediator: rem, ReloadErr: func() error { return errors.New("bad.yaml:1: broken") }})
	sum := f.logs.Find(msgSummary, nil)[0]
	if sum[logRemediation] != remediationPaused || sum[logError] != "bad.yaml:1: broken" || sum[logDrifted] != float64(1) {
		t.Errorf("summary = %v, want remediation paused with the load error, 1 drifted", sum)
	}
	line := f.driftLine(t, "auto", triggerAudit, time.Second)
	if line[logAction] != "drift-detected" {
		t.Errorf("action = %v, want drift-detected", line[logAction])
	}
	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"green"}}`)
	f.poll(t, "the new drift reported", 2*time.Second, func() bool {
		return len(f.logs.Find(msgDrift, map[string]any{logName: "auto", logTrigger: triggerWatch})) == 1
	})
	if got := f.kubectl(t, "get", "configmap", "auto", "-o", "jsonpath={.data.color}"); got != "green" {
		t.Errorf("color = %q, want green: nothing is remediated while the manifests fail to load", got)
	}
}

// TestReloadWatchesWhatGitNames swaps the desired state for one with another kind in another
// namespace: the auditor watches it, and stops watching what Git no longer names.
func TestReloadWatchesWhatGitNames(t *testing.T) {
	f := newFixture(t, twoConfigMaps)
	a := f.start(t, Options{Interval: time.Hour})
	other := f.env.Namespace(t)
	f.store.Set(f.desired(t, other, `
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80}]
`))
	f.poll(t, "an audit of the new state", 5*time.Second, func() bool {
		return len(f.logs.Find(msgSummary, map[string]any{logResources: 1, logWatching: 1})) == 1
	})
	if n := a.live.watched(); n != 1 {
		t.Errorf("%d informers, want 1 (Services in %s)", n, other)
	}
	f.env.KubectlT(t, "", "-n", other, "patch", "service/api", "--type", "merge", "-p", `{"spec":{"selector":{"app":"other"}}}`)
	f.poll(t, "the Service's drift", 2*time.Second, func() bool {
		return len(f.logs.Find(msgDrift, map[string]any{logName: "api", logNamespace: other, logTrigger: triggerWatch})) == 1
	})
	// A change to the ConfigMap no longer watched, then one to the Service: once the Service's
	// is reported, the ConfigMap's would have been too.
	f.kubectl(t, "patch", "configmap/auto", "--type", "merge", "-p", `{"data":{"color":"red"}}`)
	f.env.KubectlT(t, "", "-n", other, "patch", "service/api", "--type", "merge", "-p", `{"spec":{"selector":{"app":"third"}}}`)
	f.poll(t, "the Service's second drift", 2*time.Second, func() bool {
		return len(f.logs.Find(msgDrift, map[string]any{logName: "api", logNamespace: other, logTrigger: triggerWatch})) == 2
	})
	if lines := f.logs.Find(msgDrift, map[string]any{logName: "auto"}); len(lines) != 0 {
		t.Errorf("a ConfigMap Git no longer names is reported: %v", lines)
	}
}
