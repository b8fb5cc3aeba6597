package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

// span is one phase of a run of gitops-drift, as offsets from the process's start.
type span struct {
	phase      string
	start, end time.Duration
}

// readPhases reads the phases of gitops-drift's JSON log (see pkg/timing), each as offsets
// from started, when the process was started. A phase logged several times (a LIST per kind
// and namespace) spans from its first start to its last end.
func readPhases(stderr []byte, started time.Time) ([]span, error) {
	var out []span
	sc := bufio.NewScanner(bytes.NewReader(stderr))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.Contains(line, []byte(timing.Message)) {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal(line, &e); err != nil || e["msg"] != timing.Message {
			continue // not a JSON log line, or another message
		}
		phase, _ := e[timing.KeyPhase].(string)
		startText, _ := e[timing.KeyStart].(string)
		took, ok := e[timing.KeyDuration].(float64)
		start, err := time.Parse(timing.StartFormat, startText)
		if phase == "" || err != nil || !ok {
			return nil, fmt.Errorf("unreadable phase line: %s", line)
		}
		s := span{phase: phase, start: start.Sub(started)}
		s.end = s.start + time.Duration(took*float64(time.Second))
		if i := slices.IndexFunc(out, func(o span) bool { return o.phase == phase }); i >= 0 {
			out[i].start, out[i].end = min(out[i].start, s.start), max(out[i].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// phaseRow is the median of one phase over the runs that logged it.
type phaseRow struct {
	phase      string
	start, end time.Duration
	runs       int
}

// phaseRows summarises the phases of runs: for each phase, the median of its start and of its
// end, in the order of their median starts; first "process start", from the exec to the first
// phase (the runtime's and the packages' initialisation, flags), last "exit", from the end of
// the last phase to the process's.
func phaseRows(runs []toolRun) []phaseRow {
	starts, ends := map[string][]time.Duration{}, map[string][]time.Duration{}
	var first, exits []time.Duration
	for _, r := range runs {
		if len(r.phases) == 0 {
			continue
		}
		lo, hi := r.phases[0].start, r.phases[0].end
		for _, s := range r.phases {
			starts[s.phase] = append(starts[s.phase], s.start)
			ends[s.phase] = append(ends[s.phase], s.end)
			lo, hi = min(lo, s.start), max(hi, s.end)
		}
		first = append(first, lo)
		exits = append(exits, r.wall-hi)
	}
	if len(first) == 0 {
		return nil
	}
	rows := []phaseRow{{phase: "process start", end: median(first), runs: len(first)}}
	var phases []phaseRow
	for p := range starts {
		phases = append(phases, phaseRow{phase: p, start: median(starts[p]), end: median(ends[p]), runs: len(starts[p])})
	}
	slices.SortFunc(phases, func(a, b phaseRow) int {
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return strings.Compare(a.phase, b.phase)
	})
	rows = append(rows, phases...)
	wall := median(walls(runs))
	return append(rows, phaseRow{phase: "exit", start: wall - median(exits), end: wall, runs: len(exits)})
}
