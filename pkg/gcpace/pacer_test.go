package gcpace_test

import (
	"runtime/debug"
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/gcpace"
)

// gcPercent returns the collector's GOGC setting (SetGCPercent returns it; it is set back).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestPacer drives holds that overlap, in every order of release, and checks GOGC after each
// step: the lowest percent held, the process's setting when it is lower or off, and the
// process's setting back once the last hold is released.
func TestPacer(t *testing.T) {
	type step struct {
		hold    int // a percent to hold, or 0 to release hold number release
		release int // the index (in holds made) of the hold to release
		want    int // GOGC after the step
	}
	tests := []struct {
		name    string
		process int
		steps   []step
	}{
		{name: "one hold", process: 100, steps: []step{{hold: 50, want: 50}, {release: 0, want: 100}}},
		{name: "a lower hold over a higher, released in order", process: 100, steps: []step{
			{hold: 50, want: 50}, {hold: 25, want: 25}, {release: 0, want: 25}, {release: 1, want: 100}}},
		{name: "a lower hold over a higher, the lower released first", process: 100, steps: []step{
			{hold: 50, want: 50}, {hold: 25, want: 25}, {release: 1, want: 50}, {release: 0, want: 100}}},
		{name: "two holds of one percent", process: 100, steps: []step{
			{hold: 50, want: 50}, {hold: 50, want: 50}, {release: 0, want: 50}, {release: 1, want: 100}}},
		{name: "released twice: the second call does nothing", process: 100, steps: []step{
			{hold: 50, want: 50}, {hold: 50, want: 50}, {release: 0, want: 50}, {release: 0, want: 50}, {release: 1, want: 100}}},
		{name: "the process's lower", process: 30, steps: []step{{hold: 50, want: 30}, {hold: 25, want: 25}, {release: 1, want: 30}, {release: 0, want: 30}}},
		{name: "the collector off stays off", process: -1, steps: []step{{hold: 50, want: -1}, {release: 0, want: -1}}},
		{name: "a percent not above 0 holds nothing", process: 100, steps: []step{{hold: -5, want: 100}, {release: 0, want: 100}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer debug.SetGCPercent(debug.SetGCPercent(tt.process))
			var p gcpace.Pacer
			var releases []func()
			for i, s := range tt.steps {
				if s.hold != 0 {
					releases = append(releases, p.Hold(s.hold))
				} else {
					releases[s.release]()
				}
				if got := gcPercent(); got != s.want {
					t.Fatalf("step %d (%+v): GOGC %d, want %d", i, s, got, s.want)
				}
			}
		})
	}
}

func TestNilPacer(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	var p *gcpace.Pacer
	release := p.Hold(25)
	if got := gcPercent(); got != 100 {
		t.Errorf("GOGC under a nil Pacer's hold: %d, want 100", got)
	}
	release()
}
