package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// comparison is the timed runs of every tool over one corpus of n objects.
type comparison struct {
	n       int
	drifted int
	tools   []tool
	runs    [][]toolRun // by tool, in the order of tools
}

// compareTools runs each tool once untimed (a warm-up), then reps timed rounds, the order of
// the tools rotating from round to round so that none always runs first or after another.
// Every run must find exactly the drifted objects of want.
func compareTools(ctx context.Context, ts []tool, dir, kubeconfig string, reps int, want []string) (comparison, error) {
	c := comparison{drifted: len(want), tools: ts, runs: make([][]toolRun, len(ts))}
	for round := -1; round < reps; round++ {
		for k := range ts {
			i := (max(round, 0) + k) % len(ts)
			r, err := runTool(ctx, ts[i], dir, kubeconfig)
			if err != nil {
				return c, err
			}
			if err := agree(ts[i].name, want, r.drifted); err != nil {
				return c, err
			}
			if round >= 0 {
				c.runs[i] = append(c.runs[i], r)
			}
		}
	}
	return c, nil
}

// agree checks that a tool found exactly the drifted objects.
func agree(name string, want, got []string) error {
	if slices.Equal(want, got) {
		return nil
	}
	var missed, extra []string
	for _, w := range want {
		if _, ok := slices.BinarySearch(got, w); !ok {
			missed = append(missed, w)
		}
	}
	for _, g := range got {
		if _, ok := slices.BinarySearch(want, g); !ok {
			extra = append(extra, g)
		}
	}
	return fmt.Errorf("%s found %d drifted objects, want %d: missed %s; extra %s",
		name, len(got), len(want), short(missed), short(extra))
}

func short(keys []string) string {
	if len(keys) > 5 {
		return strings.Join(keys[:5], ", ") + fmt.Sprintf(" and %d more", len(keys)-5)
	}
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}

// median returns the median of ds.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// walls and rss return the durations and peak memory of runs.
func walls(runs []toolRun) []time.Duration {
	out := make([]time.Duration, len(runs))
	for i, r := range runs {
		out[i] = r.wall
	}
	return out
}

func medianRSS(runs []toolRun) int64 {
	ds := make([]time.Duration, len(runs))
	for i, r := range runs {
		ds[i] = time.Duration(r.maxRSS)
	}
	return int64(median(ds))
}
