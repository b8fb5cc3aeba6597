package auditor

import (
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

// writer is a manager that wrote some of an object's drifted fields, and when.
type writer struct {
	manager string
	at      time.Time
}

// driftWriters returns, for each drifted field of live against t, the managers other than
// self that own it (see ownership.Owners.Of), and self's last write to live (zero if none).
// The managedFields may be as the cache compacted them.
func driftWriters(t *check.Target, live *unstructured.Unstructured, self string) ([]writer, time.Time) {
	owners, err := ownership.FromObject(live.Object)
	if err != nil {
		return nil, time.Time{}
	}
	var selfAt time.Time
	for _, o := range owners.Managers() {
		if o.Manager == self && o.Time.After(selfAt) {
			selfAt = o.Time
		}
	}
	var out []writer
	for _, f := range t.Compare(live.Object) {
		p, err := diff.ParsePath(f.Path)
		if err != nil {
			continue
		}
		who, _ := owners.Of(p)
		for _, o := range who {
			if o.Manager != self {
				out = append(out, writer{manager: o.Manager, at: o.Time})
			}
		}
	}
	return out, selfAt
}

// latest returns the manager of the latest writer not before since, "" when there is none.
func latest(ws []writer, since time.Time) string {
	var best writer
	for _, w := range ws {
		if !w.at.Before(since) && (best.manager == "" || w.at.After(best.at)) {
			best = w
		}
	}
	return best.manager
}

// contester returns the manager that wrote the drifted fields of live back last: the one the
// contest is with. "" when managedFields do not tell (live is nil: the object was deleted).
func contester(t *check.Target, live *unstructured.Unstructured, self string) string {
	if live == nil {
		return ""
	}
	ws, _ := driftWriters(t, live, self)
	return latest(ws, time.Time{})
}

// learnContest tells, for an object the auditor has no record of, whether live shows a
// contest it lost with its memory (a restart, a new leader): gitops-drift (self) wrote the
// object, and another manager wrote one of the fields that drift now at the same time or
// within interval after that. A contest the auditor remembers lasts until the object stays
// in sync through a full audit interval, so a later edit would have found it forgotten. The
// times compared are both the API server's (managedFields), never this process's clock.
func learnContest(t *check.Target, live *unstructured.Unstructured, self string, interval time.Duration) (string, bool) {
	if live == nil {
		return "", false
	}
	ws, selfAt := driftWriters(t, live, self)
	if selfAt.IsZero() {
		return "", false
	}
	var recent []writer
	for _, w := range ws {
		if w.at.Before(selfAt.Add(interval)) {
			recent = append(recent, w)
		}
	}
	m := latest(recent, selfAt)
	return m, m != ""
}
