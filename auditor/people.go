package auditor

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/types"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// AdmissionRecords reads the records of who made the admitted changes to an object: the
// DriftAdmitted Events the webhook of any replica wrote (attribution.Lister is one).
type AdmissionRecords interface {
	// ObjectRecords returns the records of the object uid in namespace ns ("" for a
	// cluster-scoped object).
	ObjectRecords(ctx context.Context, ns string, uid types.UID) ([]attribution.Record, error)
}

const (
	// freshFor is how long after a write the auditor keeps asking for its record, when there
	// was none: the webhook's Recorder writes it on its own goroutine, rate-limited, and may
	// not have when the auditor first checks the change (200ms after it).
	freshFor = 2 * time.Minute
	// peopleLogEvery is the least time between two log lines about records not read.
	peopleLogEvery = time.Minute
)

// people is the auditor's memory of the admission records of drifted objects. An object's
// records are listed once per change of the owners of its drifted fields (and again while a
// fresh write has none), and remembered while they name an owner: a drift outlives the
// Event that recorded it (the API server's --event-ttl, 1h by default) for as long as this
// process runs. Used by the audit goroutine only.
type people struct {
	byKey  map[manifest.Key]*known
	logged time.Time // when a failure to read records was last logged
}

// known is what the auditor knows of one drifted object's records.
type known struct {
	uid    types.UID
	owners string // the owners of the drifted fields when the records were listed
	recs   []attribution.Record
	again  bool // list again at the next check: a fresh write had no record
}

// attribute names the person behind each drifted field's owner in res, from the admission
// records of its object (Options.Admissions): see attribution.Attribute. Without records to
// read, or when they cannot be read, res is left as it is.
func (a *Auditor) attribute(res *report.Resource) {
	if a.opts.Admissions == nil {
		return
	}
	if a.people.byKey == nil {
		a.people.byKey = map[manifest.Key]*known{}
	}
	key := keyOf(res)
	if res.Status != report.StatusDrifted || !slices.ContainsFunc(res.Fields, func(f diff.Field) bool { return f.Owner != nil }) {
		delete(a.people.byKey, key)
		return
	}
	now := a.opts.Clock.Now()
	k := a.people.byKey[key]
	if owners := ownersOf(res.Fields); k == nil || k.owners != owners || k.again {
		if k = a.listRecords(key, res, k, owners); k == nil {
			return
		}
	}
	res.Fields = attribution.Attribute(res.Fields, k.recs, attribution.Options{Now: now})
	k.recs = slices.DeleteFunc(k.recs, func(r attribution.Record) bool { return !namesOwner(&r, res.Fields) })
	k.again = slices.ContainsFunc(res.Fields, func(f diff.Field) bool {
		return f.Owner != nil && f.Owner.UserUnknown == attribution.NotSeen && now.Sub(f.Owner.Time) < freshFor
	})
}

// listRecords lists the records of res's object, and returns what is known of it then: the
// records listed, and those k remembers that the Events no longer hold. It returns nil when
// they cannot be read.
func (a *Auditor) listRecords(key manifest.Key, res *report.Resource, k *known, owners string) *known {
	uid := types.UID(a.uidOf(res))
	if uid == "" {
		return nil
	}
	recs, err := a.opts.Admissions.ObjectRecords(a.live.ctx, res.Namespace, uid)
	if err != nil {
		if now := time.Now(); now.Sub(a.people.logged) >= peopleLogEvery {
			a.people.logged = now
			a.log.Error(err, "cannot read admission records: drift is reported without the people behind it", logResource, key.String())
		}
		return nil
	}
	if k == nil || k.uid != uid {
		k = &known{uid: uid}
	}
	seen := make(map[string]bool, len(recs))
	for i := range recs {
		seen[identity(&recs[i])] = true
	}
	for i := range k.recs {
		if !seen[identity(&k.recs[i])] {
			recs = append(recs, k.recs[i])
		}
	}
	k.recs, k.owners = recs, owners
	a.people.byKey[key] = k
	return k
}

// ownersOf identifies the owners of fields: who wrote which field, when; for an owner
// without a time (a scale), the value it wrote instead.
func ownersOf(fields []diff.Field) string {
	var b strings.Builder
	for _, f := range fields {
		o := f.Owner
		if o == nil {
			continue
		}
		b.WriteString(f.Path + "\x00" + o.Manager + "\x00" + o.Operation + "\x00" + o.Subresource + "\x00")
		if o.Time.IsZero() {
			b.WriteString(attribution.Digest(f.Live))
		} else {
			b.WriteString(strconv.FormatInt(o.Time.Unix(), 10))
		}
		b.WriteString("\x00")
	}
	return b.String()
}

// identity identifies a record among the records of one object.
func identity(r *attribution.Record) string {
	return r.User + "\x00" + r.Manager + "\x00" + r.Operation + "\x00" + r.Subresource + "\x00" +
		r.Time.UTC().Format(time.RFC3339Nano) + "\x00" + strings.Join(r.Paths, "\x00")
}

// namesOwner reports whether r matches the owner of one of fields: a record worth keeping.
func namesOwner(r *attribution.Record, fields []diff.Field) bool {
	return slices.ContainsFunc(fields, func(f diff.Field) bool { return f.Owner != nil && attribution.Matches(r, f.Owner) })
}
