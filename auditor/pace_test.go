package auditor

import (
	"slices"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// TestWatchPacesLists checks that watch paces the collector (Options.ListGCPercent) while new
// informers list, holds it until every one of them has synced, and does not when nothing is
// left to list. The informers list from BenchmarkAuditCycle's in-memory server.
func TestWatchPacesLists(t *testing.T) {
	d := benchDesired(t, 40, false, nil)
	opts, _ := benchCache(d, false)
	l := newLive(t.Context(), &rest.Config{Host: "http://127.0.0.1:1"}, opts, time.Minute, "gitops-drift", func(schema.GroupVersionKind, any) {})
	t.Cleanup(l.stop)
	l.track(d)
	var scopes []scope
	for i := range d.Targets {
		if sc := targetScope(&d.Targets[i]); !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) < 2 {
		t.Fatalf("%d scopes, want several", len(scopes))
	}
	held, released := 0, 0
	l.pace = func() func() {
		held++
		return func() {
			released++
			for _, sc := range scopes {
				if _, err := l.get(t.Context(), sc, "x"); err != nil {
					t.Errorf("paced no longer before every list ended: %v", err)
				}
			}
		}
	}
	for sc, w := range l.watch(t.Context(), scopes) {
		if w.err != nil {
			t.Fatalf("%v: %v", sc, w.err)
		}
	}
	if held != 1 || released != 1 {
		t.Errorf("while the informers listed: paced %d times, released %d times, want once each", held, released)
	}
	l.watch(t.Context(), scopes) // every informer has listed: nothing to pace
	if held != 1 {
		t.Errorf("a watch of informers that had listed paced the collector (%d holds, want 1)", held)
	}
}
