package auditor

import (
	"slices"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// contest is what the auditor remembers of an object it wrote: when, and, once the drift it
// repaired came back (another writer reverts it: the object is contested), how long it backs
// off. It lasts until the object stays in sync through a full audit interval.
type contest struct {
	wrote time.Time // the last successful write; zero for a contest learnt at start
	// restored is what the last write repaired: the drifted paths, or missingDrift.
	restored []string
	// delay is the wait after the last write before the next one; 0 until contested.
	delay time.Duration
	next  time.Time // contested: the earliest time of the next write
	by    string    // contested: the manager that wrote the drifted fields back; "" unknown
	// announced: the contest's Event and log line were recorded.
	announced bool
	// busy: drift was seen, or a write made, since the last full audit.
	busy bool
	// queued is the time of the check queued for next, if any.
	queued time.Time
}

// contested reports whether the object is backing off.
func (c *contest) contested() bool { return c.delay > 0 }

// contests are the objects the auditor wrote, by key. Only the auditor's worker uses them.
type contests struct {
	base, max time.Duration // the first wait of a contest, and the longest
	m         map[manifest.Key]*contest
}

func newContests(base, max time.Duration) *contests {
	return &contests{base: base, max: max, m: map[manifest.Key]*contest{}}
}

// missingDrift stands for the drift of a missing object among drifted paths.
const missingDrift = "<missing>"

// before is asked before a write of key at now, to repair drift (its paths, or missingDrift).
// Drift at a path the last write repaired, on an object written before, is drift that came
// back: the object is contested (by who(), the other writer) and the first wait is base from
// that write; other drift is new, and written at once. A write is refused, with a
// ContestedError, until the wait is over. For an object without a record, learnt tells whether
// the auditor's history shows a contest it lost with its memory (a restart, a new leader: see
// Auditor.learnContest); it then waits base from now.
func (cs *contests) before(key manifest.Key, now time.Time, drift []string, who func() string, learnt func() (string, bool)) *check.ContestedError {
	c := cs.m[key]
	if c == nil {
		by, ok := learnt()
		if !ok {
			return nil
		}
		c = &contest{delay: cs.base, next: now.Add(cs.base), by: by}
		cs.m[key] = c
	}
	c.busy = true
	if !c.contested() {
		if !slices.ContainsFunc(drift, func(p string) bool { return slices.Contains(c.restored, p) }) {
			return nil
		}
		c.delay, c.next, c.by = cs.base, c.wrote.Add(cs.base), who()
	}
	if now.Before(c.next) {
		return &check.ContestedError{Manager: c.by, Retry: c.next}
	}
	return nil
}

// wrote records a successful write of key at now that repaired restored (paths, or
// missingDrift); a contested object's next wait doubles, up to max.
func (cs *contests) wrote(key manifest.Key, now time.Time, restored []string) {
	c := cs.m[key]
	if c == nil {
		c = &contest{}
		cs.m[key] = c
	}
	c.wrote, c.busy, c.restored = now, true, restored
	if c.contested() {
		c.delay = min(2*c.delay, cs.max)
		c.next = now.Add(c.delay)
	}
}

// drifted records that key drifts.
func (cs *contests) drifted(key manifest.Key) {
	if c := cs.m[key]; c != nil {
		c.busy = true
	}
}

// audited closes a full audit for key, found in sync or not: an object in sync that saw no
// drift and no write since the previous full audit is forgotten (its next drift starts
// afresh).
func (cs *contests) audited(key manifest.Key, inSync bool) {
	c := cs.m[key]
	switch {
	case c == nil:
	case inSync && !c.busy:
		delete(cs.m, key)
	default:
		c.busy = false
	}
}

// due reports whether key is contested and may be written at now.
func (cs *contests) due(key manifest.Key, now time.Time) bool {
	c := cs.m[key]
	return c != nil && c.contested() && !now.Before(c.next)
}

// retain forgets the objects keep does not hold.
func (cs *contests) retain(keep func(manifest.Key) bool) {
	for k := range cs.m {
		if !keep(k) {
			delete(cs.m, k)
		}
	}
}

// unqueue forgets the checks queued for the contested objects: they went with the queue of
// the auditor's last run, and the next run must queue them again.
func (cs *contests) unqueue() {
	for _, c := range cs.m {
		c.queued = time.Time{}
	}
}

// count returns the number of contested objects.
func (cs *contests) count() int {
	n := 0
	for _, c := range cs.m {
		if c.contested() {
			n++
		}
	}
	return n
}
