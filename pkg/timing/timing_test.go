package timing

import (
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
)

func TestDone(t *testing.T) {
	start := time.Date(2026, 12, 4, 10, 0, 0, 123456000, time.UTC)
	tests := []struct {
		name      string
		verbosity int
		want      []string
	}{
		{"debug", 1, []string{`"level"=1 "msg"="phase done" "phase"="list" "startTime"="2026-12-04T10:00:00.123456Z" "durationSeconds"=<took> "kind"="Deployment"`}},
		{"info", 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			log := funcr.New(func(prefix, args string) { got = append(got, args) }, funcr.Options{Verbosity: tc.verbosity})
			Done(logr.NewContext(t.Context(), log), List, start, "kind", "Deployment")
			for i, l := range got { // the duration depends on the clock; check it is there and positive
				before, after, ok := strings.Cut(l, `"durationSeconds"=`)
				took, rest, _ := strings.Cut(after, " ")
				if !ok || strings.HasPrefix(took, "-") || took == "0" {
					t.Errorf("line %q: want a positive durationSeconds", l)
				}
				got[i] = before + `"durationSeconds"=<took> ` + rest
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
		})
	}
}
