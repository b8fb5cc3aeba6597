package e2e

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// desiredFought is desiredApps and a ConfigMap that another field manager fights over.
const desiredFought = desiredApps + `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: fought
data:
  color: blue
`

// TestAuditorBacksOffFromAFight: another field manager ("fighter") flips a Git-set field
// every 200ms for 10s against serve --remediate --remediation-qps 20. gitops-drift writes the
// object at most 4 times in all, its RemediationContested Event and log line name the
// fighter, another object drifting meanwhile is repaired at once, and once the fighter stops
// the object is repaired at the next allowed attempt. Real time: the backoff's waits are 10s
// and 20s.
func TestAuditorBacksOffFromAFight(t *testing.T) {
	e := setup(t)
	ns := e.Namespace(t)
	applyAdmin(t, e, ns, desiredFought)
	w := startServe(t, e, ns, desiredFought, "--remediate", "--remediation-qps", "20", "--audit-interval", "5s", "--no-webhook")
	w.waitAudited()
	cfg := rest.CopyConfig(e.Config)
	cfg.QPS, cfg.Burst = 100, 100 // client-go's default 5/s would throttle a 5/s fighter
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cms := cs.CoreV1().ConfigMaps(ns)

	// Every change of the ConfigMap back to Git's blue is a write by gitops-drift: the
	// fighter only ever writes red or green.
	var writes atomic.Int32
	watcher, err := cms.Watch(t.Context(), metav1.ListOptions{FieldSelector: "metadata.name=fought"})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Stop()
	go countRestores(watcher, &writes)

	fightCtx, stopFight := context.WithTimeout(t.Context(), 10*time.Second)
	defer stopFight()
	fightDone := make(chan error, 1)
	go func() { fightDone <- fight(fightCtx, cms.Patch) }()

	time.AfterFunc(3*time.Second, func() {
		_, _, _ = w.kubectl("", "", "set", "image", "deployment/frontend", "frontend=nginx:1.19")
	})
	w.poll("frontend repaired during the fight", 10*time.Second, func() bool { return w.image("frontend") == "nginx:1.25" })
	w.poll("the contest announced", 10*time.Second, func() bool { return len(w.events("fought", "RemediationContested")) == 1 })
	if ev := w.events("fought", "RemediationContested")[0]; !strings.HasPrefix(ev.Note, "fighter ") || ev.Type != "Warning" {
		t.Errorf("RemediationContested Event %s %q, want a Warning naming fighter", ev.Type, ev.Note)
	}
	if line := w.logLine("remediation contested", map[string]string{"name": "fought"}); line == nil || line["manager"] != "fighter" {
		t.Errorf("contested log line = %v, want one naming fighter", line)
	}
	if line := w.logLine("audit drift", map[string]string{"name": "fought", "action": "remediation-contested (by fighter)"}); line == nil {
		t.Error("no audit drift line with action remediation-contested (by fighter)")
	}
	if v, _ := w.sample("gitops_drift_contested_resources"); v != 1 {
		t.Errorf("gitops_drift_contested_resources = %v during the fight, want 1", v)
	}

	if err := <-fightDone; err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	color := func() string {
		cm, err := cms.Get(t.Context(), "fought", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm.Data["color"]
	}
	// The fighter's last flip may follow a write: the next allowed one is at most 20s on.
	w.poll("the repair after the fight", 30*time.Second, func() bool { return color() == "blue" })
	t.Logf("repaired %s after the fighter stopped; %d write(s) in all", time.Since(stopped).Round(time.Second), writes.Load())
	if n := writes.Load(); n < 2 || n > 4 {
		t.Errorf("gitops-drift wrote the fought ConfigMap %d times, want 2 to 4", n)
	}
	if n := len(w.events("fought", "RemediationContested")); n != 1 {
		t.Errorf("%d RemediationContested Events, want 1", n)
	}
}

// fight flips data.color of the ConfigMap "fought" between red and green every 200ms, as
// field manager "fighter", until ctx ends.
func fight(ctx context.Context, patch func(context.Context, string, types.PatchType, []byte, metav1.PatchOptions, ...string) (*corev1.ConfigMap, error)) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	colors := []string{"red", "green"}
	for i := 0; ; i++ {
		body := []byte(`{"data":{"color":"` + colors[i%2] + `"}}`)
		// Each patch is made in full: ctx ends the fight, not a patch under way.
		if _, err := patch(context.WithoutCancel(ctx), "fought", types.MergePatchType, body, metav1.PatchOptions{FieldManager: "fighter"}); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// countRestores counts the watch events that bring data.color back to blue.
func countRestores(w watch.Interface, n *atomic.Int32) {
	last := "blue"
	for ev := range w.ResultChan() {
		cm, ok := ev.Object.(*corev1.ConfigMap)
		if !ok {
			continue
		}
		if c := cm.Data["color"]; c != last {
			if c == "blue" {
				n.Add(1)
			}
			last = c
		}
	}
}
