package attribution_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	eventsv1 "k8s.io/api/events/v1"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
)

func TestEventRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	tests := []struct {
		name     string
		rec      attribution.Record
		wantNS   string
		wantNote string
	}{
		{
			name: "namespaced",
			rec: attribution.Record{
				Object: attribution.Object{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", UID: "u-1"},
				User:   "alice@example.com", Groups: []string{"dev", "system:authenticated"},
				Manager: "kubectl-set", Operation: "Update", Time: at.Add(400 * time.Millisecond), Request: "UPDATE",
				Paths: []string{"spec.template.spec.containers[name=web].image"},
			},
			wantNS:   "shop",
			wantNote: "alice@example.com made 1 field(s) drift from Git (revision 3f2a1b4) with kubectl-set (Update): spec.template.spec.containers[name=web].image",
		},
		{
			name: "cluster-scoped, a scale",
			rec: attribution.Record{
				Object: attribution.Object{APIVersion: "v1", Kind: "Namespace", Name: "shop", UID: "u-2"},
				User:   "bob", Subresource: "scale", Time: at.Add(400 * time.Millisecond), Approximate: true,
				Paths: []string{"spec.replicas"}, Digests: map[string]string{"spec.replicas": attribution.Digest(int64(5))},
			},
			wantNS:   "default",
			wantNote: "bob made 1 field(s) drift from Git (revision 3f2a1b4) with a client (Update /scale): spec.replicas",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := attribution.NewEvent(tt.rec, attribution.EventOptions{Controller: "gitops-drift", Instance: "serve-0", Action: "Warned", Revision: "3f2a1b4", Now: at})
			if err != nil {
				t.Fatal(err)
			}
			if ev.Namespace != tt.wantNS || ev.Reason != attribution.Reason || ev.Type != "Normal" || ev.Action != "Warned" || ev.Regarding.UID != tt.rec.Object.UID || !ev.EventTime.Time.Equal(at) {
				t.Errorf("Event %s/%s reason %s type %s action %s about %s at %s", ev.Namespace, ev.Name, ev.Reason, ev.Type, ev.Action, ev.Regarding.UID, ev.EventTime)
			}
			if diff := cmp.Diff(tt.wantNote, ev.Note); diff != "" {
				t.Errorf("note (-want +got):\n%s", diff)
			}
			got, err := attribution.FromEvent(ev)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.rec
			if !want.Approximate {
				want.Time = at // managedFields keep seconds
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("record read back (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEventBounds(t *testing.T) {
	paths := make([]string, 2000)
	for i := range paths {
		paths[i] = fmt.Sprintf("data.key-%04d-%s", i, strings.Repeat("x", 20))
	}
	rec := attribution.Record{
		Object: attribution.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: strings.Repeat("n", 253)},
		User:   "alice", Manager: "kubectl-edit", Operation: "Update", Paths: paths,
	}
	ev, err := attribution.NewEvent(rec, attribution.EventOptions{Controller: "gitops-drift", Instance: "serve-0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Note) > 1000 || !strings.HasSuffix(ev.Note, "more") {
		t.Errorf("note of %d bytes, want at most 1000 ending in \"... and N more\": %q", len(ev.Note), ev.Note[len(ev.Note)-40:])
	}
	if len(ev.Name) > 253 || !strings.HasPrefix(ev.Name, "nnn") {
		t.Errorf("name %q: want the object's name cut to fit 253 characters", ev.Name)
	}
	if n := len(ev.Annotations[attribution.Annotation]); n > 40<<10 {
		t.Errorf("annotation of %d bytes, want the paths cut to 32 KiB", n)
	}
	got, err := attribution.FromEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Truncated || len(got.Paths) == 0 || len(got.Paths) >= len(paths) || got.Paths[0] != paths[0] {
		t.Errorf("read back %d paths (truncated %v), want the first ones, truncated", len(got.Paths), got.Truncated)
	}
	if _, err := attribution.NewEvent(rec, attribution.EventOptions{}); err == nil {
		t.Error("an Event without reporting controller and instance was made")
	}
}

func TestFromEventRefuses(t *testing.T) {
	good, err := attribution.NewEvent(attribution.Record{User: "alice", Manager: "m", Operation: "Update"}, attribution.EventOptions{Controller: "c", Instance: "i"})
	if err != nil {
		t.Fatal(err)
	}
	other := good.DeepCopy()
	other.Reason = "DriftDetected"
	bare := good.DeepCopy()
	bare.Annotations = nil
	broken := good.DeepCopy()
	broken.Annotations[attribution.Annotation] = "{"
	for name, ev := range map[string]*eventsv1.Event{"other reason": other, "no annotation": bare, "bad JSON": broken} {
		t.Run(name, func(t *testing.T) {
			if _, err := attribution.FromEvent(ev); err == nil {
				t.Error("read a record")
			}
		})
	}
}
