package auditor

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

var (
	t0      = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cfgKey  = manifest.Key{Kind: "ConfigMap", Namespace: "app", Name: "cfg"}
	fighter = func() string { return "fighter" }
	color   = []string{"data.color"}
	unknown = func() (string, bool) { return "", false }
)

func at(d time.Duration) time.Time { return t0.Add(d) }

// TestContestBackoff walks one object through a contest: written, its drift back (contested:
// 10s from the write), written again at each allowed time with the wait doubling up to the
// maximum, and forgotten once in sync through a full audit interval.
func TestContestBackoff(t *testing.T) {
	cs := newContests(10*time.Second, 40*time.Second)
	if err := cs.before(cfgKey, t0, color, fighter, unknown); err != nil {
		t.Fatalf("first write refused: %v", err)
	}
	cs.wrote(cfgKey, t0, color)
	type check struct {
		at    time.Duration
		retry time.Duration // 0: allowed
	}
	for _, c := range []check{
		{200 * time.Millisecond, 10 * time.Second}, // the drift is back: contested
		{9 * time.Second, 10 * time.Second},
		{10 * time.Second, 0}, // written: the next wait is 20s
		{15 * time.Second, 30 * time.Second},
		{30 * time.Second, 0}, // written: 40s
		{70 * time.Second, 0}, // written: 40s, the maximum
		{100 * time.Second, 110 * time.Second},
	} {
		err := cs.before(cfgKey, at(c.at), color, fighter, unknown)
		switch {
		case c.retry == 0 && err != nil:
			t.Errorf("at %s: refused until %s, want a write", c.at, err.Retry.Sub(t0))
		case c.retry == 0:
			cs.wrote(cfgKey, at(c.at), color)
		case err == nil:
			t.Errorf("at %s: allowed, want a wait until %s", c.at, c.retry)
		case !err.Retry.Equal(at(c.retry)) || err.Manager != "fighter":
			t.Errorf("at %s: %v, want a wait until %s by fighter", c.at, err, c.retry)
		}
	}
	if got := cs.count(); got != 1 {
		t.Errorf("count() = %d, want 1", got)
	}
	if !cs.due(cfgKey, at(110*time.Second)) || cs.due(cfgKey, at(109*time.Second)) {
		t.Error("due() wrong around the retry time")
	}
	cs.audited(cfgKey, true) // drift was seen since the last audit: kept
	if cs.m[cfgKey] == nil {
		t.Fatal("forgotten at the first audit in sync")
	}
	cs.audited(cfgKey, true) // in sync through an audit interval: forgotten
	if cs.m[cfgKey] != nil || cs.count() != 0 {
		t.Error("not forgotten after an audit interval in sync")
	}
	if err := cs.before(cfgKey, at(111*time.Second), color, fighter, unknown); err != nil {
		t.Errorf("after the reset, a write is refused: %v", err)
	}
}

// TestContestWritesPerMinute fights the backoff: drift back 200ms after every write for ten
// minutes, a check every 200ms. At most 3 writes in any minute, 4 in the first 10 seconds'
// worth of fighting plus the wait that follows.
func TestContestWritesPerMinute(t *testing.T) {
	cs := newContests(10*time.Second, 10*time.Minute)
	var writes []time.Duration
	for d := time.Duration(0); d < 10*time.Minute; d += 200 * time.Millisecond {
		if cs.before(cfgKey, at(d), color, fighter, unknown) == nil {
			cs.wrote(cfgKey, at(d), color)
			writes = append(writes, d)
		}
	}
	want := []time.Duration{0, 10 * time.Second, 30 * time.Second, 70 * time.Second, 150 * time.Second, 310 * time.Second}
	if diff := cmp.Diff(want, writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	for i := range writes {
		n := 0
		for _, w := range writes[i:] {
			if w-writes[i] < time.Minute {
				n++
			}
		}
		if n > 3 {
			t.Errorf("%d writes in the minute from %s", n, writes[i])
		}
	}
}

// TestOtherDriftIsNotAContest: drift at a path the last write did not repair (a deletion after
// a field was repaired, another field) is new drift, written at once; the repaired path
// drifting again is a contest.
func TestOtherDriftIsNotAContest(t *testing.T) {
	cs := newContests(10*time.Second, 10*time.Minute)
	cs.wrote(cfgKey, t0, color)
	for _, drift := range [][]string{{missingDrift}, {"data.size"}} {
		if err := cs.before(cfgKey, at(time.Second), drift, fighter, unknown); err != nil {
			t.Errorf("drift %v after a repair of %v: %v, want a write", drift, color, err)
		}
	}
	if err := cs.before(cfgKey, at(time.Second), []string{"data.size", "data.color"}, fighter, unknown); err == nil {
		t.Error("the repaired path drifting again: a write, want a contest")
	}
}

// TestContestLearnt: an object the auditor has no record of, whose live copy shows a contest
// (a restart), waits the first backoff from now.
func TestContestLearnt(t *testing.T) {
	cs := newContests(10*time.Second, 10*time.Minute)
	err := cs.before(cfgKey, t0, color, fighter, func() (string, bool) { return "operator", true })
	if err == nil || err.Manager != "operator" || !err.Retry.Equal(at(10*time.Second)) {
		t.Fatalf("before() = %v, want a wait of 10s for operator", err)
	}
	if err := cs.before(cfgKey, at(10*time.Second), color, fighter, unknown); err != nil {
		t.Errorf("refused after the wait: %v", err)
	}
}

// TestNoteContested reports a contest once: one RemediationContested Event and one
// "remediation contested" line naming the other manager, nothing for the watch events that
// follow, a line per full audit as always, and an Event per write.
func TestNoteContested(t *testing.T) {
	rec := &recorder{}
	var logs capture.JSONLog
	a := New(nil, nil, Options{Recorder: rec, Log: logs.Logger(t)})
	contested := report.ContestedBy("fighter")
	steps := []struct {
		step
		before     func()
		wantEvents []string
		wantLogs   []string
	}{
		{step: drifted("2", report.ActionRemediated), before: func() { a.contests.wrote(cfgKey, t0, color) },
			wantEvents: []string{ReasonDriftDetected, ReasonDriftRemediated}, wantLogs: []string{msgDrift}},
		{step: watched(drifted("3", contested)), before: func() { _ = a.contests.before(cfgKey, at(time.Second), color, fighter, unknown) },
			wantEvents: []string{ReasonRemediationContested}, wantLogs: []string{msgDrift, msgContested}},
		{step: watched(drifted("4", contested))},
		{step: drifted("4", contested), wantLogs: []string{msgDrift}},
		{step: watched(drifted("4", report.ActionRemediated)), before: func() { a.contests.wrote(cfgKey, at(10*time.Second), color) },
			wantEvents: []string{ReasonDriftRemediated}, wantLogs: []string{msgDrift}},
		{step: watched(drifted("5", contested)), wantLogs: []string{msgDrift}},
	}
	var prev record
	for i, s := range steps {
		if s.before != nil {
			s.before()
		}
		res := resource("v1", "ConfigMap", s.step)
		before := len(logs.Lines())
		prev = a.note(run{id: "id", trigger: s.trigger, revision: "abc"}, &res, prev)
		var events, msgs []string
		for _, e := range rec.take() {
			events = append(events, e.Reason)
			if e.Reason == ReasonRemediationContested && e.Note != "fighter reverts Git's state (revision abc) after each remediation: the next write waits until 2026-11-24T10:00:10Z, each later one twice as long: data.a" {
				t.Errorf("step %d: Event note %q", i, e.Note)
			}
		}
		for _, l := range logs.Lines()[before:] {
			msgs = append(msgs, l["msg"].(string))
			if l["msg"] == msgContested && (l[logManager] != "fighter" || l[logRetryAfter] != "2026-11-24T10:00:10Z") {
				t.Errorf("step %d: contested line %v, want manager fighter, retryAfter 10:00:10", i, l)
			}
		}
		if diff := cmp.Diff(s.wantEvents, events); diff != "" {
			t.Errorf("step %d: Events (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(s.wantLogs, msgs); diff != "" {
			t.Errorf("step %d: log lines (-want +got):\n%s", i, diff)
		}
	}
}

func TestContestDefaults(t *testing.T) {
	a := New(nil, nil, Options{})
	got := []any{a.opts.ContestedBackoff, a.opts.ContestedBackoffMax, a.opts.FieldManager}
	if diff := cmp.Diff([]any{10 * time.Second, 10 * time.Minute, "gitops-drift"}, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}
