package attribution

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// Why a drifted field's person is not named (diff.Owner.UserUnknown).
const (
	// NotSeen: no record matches the field's owner. The write bypassed the webhook (it was
	// down, not registered for the namespace, or the write came before the install), or its
	// record was dropped under load.
	NotSeen = "not seen at admission"
	// Expired: no record matches, and the owner's write is older than the Event TTL: a
	// record of it, if there was one, is gone with its Event.
	Expired = "older than the Event TTL"
)

// ambiguous is why nobody is named when n records of different users match one owner.
func ambiguous(n int) string {
	return strconv.Itoa(n) + " admissions at that second"
}

// DefaultTTL is how long the API server keeps Events by default (kube-apiserver --event-ttl).
const DefaultTTL = time.Hour

// Options configure Attribute.
type Options struct {
	// Now is the time of the check, against which the Event TTL is measured. Defaults to
	// time.Now().
	Now time.Time
	// TTL is how long the API server keeps Events (its --event-ttl): a write older than that
	// with no record is Expired rather than NotSeen. Defaults to DefaultTTL, 1h.
	TTL time.Duration
}

// Attribute returns fields with the person behind each owner named from recs, the records of
// the fields' object: Owner.User and Owner.Groups from the one record that matches (see the
// package documentation), else Owner.UserUnknown saying why not. Fields without an owner are
// left as they are. fields is not modified: when an owner is set, Attribute returns a copy
// with new owners.
func Attribute(fields []diff.Field, recs []Record, o Options) []diff.Field {
	if !slices.ContainsFunc(fields, func(f diff.Field) bool { return f.Owner != nil }) {
		return fields
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	out := slices.Clone(fields)
	for i := range out {
		if out[i].Owner == nil {
			continue
		}
		owner := *out[i].Owner
		owner.User, owner.Groups, owner.UserUnknown = join(&owner, &out[i], recs, o)
		out[i].Owner = &owner
	}
	return out
}

// join returns the user and groups of the record of recs that matches the owner of f, or why
// there is none.
func join(owner *diff.Owner, f *diff.Field, recs []Record, o Options) (user string, groups []string, unknown string) {
	var match []*Record
	for i := range recs {
		if r := &recs[i]; Matches(r, owner) && covers(r.Paths, f.Path) {
			match = append(match, r)
		}
	}
	if owner.Time.IsZero() {
		match = latestWriting(match, f)
	}
	switch {
	case len(match) == 0 && !owner.Time.IsZero() && o.Now.Sub(owner.Time) > o.TTL:
		return "", nil, Expired
	case len(match) == 0:
		return "", nil, NotSeen
	}
	for _, r := range match[1:] {
		if r.User != match[0].User {
			return "", nil, ambiguous(len(match))
		}
	}
	return match[0].User, slices.Clone(match[0].Groups), ""
}

// Matches reports whether r is a record of the write owner records: the same manager,
// operation and subresource, at the same second. An owner without a time (the API server
// keeps none for the scale subresource) is matched by Approximate records of its
// subresource, of its manager when they name one.
func Matches(r *Record, owner *diff.Owner) bool {
	if r.Subresource != owner.Subresource {
		return false
	}
	if owner.Time.IsZero() {
		return r.Approximate && (r.Manager == "" || r.Manager == owner.Manager)
	}
	return !r.Approximate && r.Manager == owner.Manager && r.Operation == owner.Operation && r.Time.Unix() == owner.Time.Unix()
}

// covers reports whether paths hold path, a path above it (the record changed a whole map or
// list item the field is in) or below it (the field is reported where a change inside it hangs).
func covers(paths []string, path string) bool {
	for _, p := range paths {
		if p == path || within(path, p) || within(p, path) {
			return true
		}
	}
	return false
}

// within reports whether the path p lies under the path above, in pkg/diff's notation: above
// followed by a field (".x") or a list item or quoted key ("[...]").
func within(p, above string) bool {
	return len(p) > len(above) && strings.HasPrefix(p, above) && (p[len(above)] == '.' || p[len(above)] == '[')
}

// latestWriting returns, of the Approximate records recs that match an owner without a time,
// those that wrote f's live value, at the latest second any did: an earlier one was
// overwritten, and one whose value is no longer live was overwritten since, maybe unseen.
func latestWriting(recs []*Record, f *diff.Field) []*Record {
	live := Digest(f.Live)
	var out []*Record
	var at int64
	for _, r := range recs {
		if d, ok := r.Digests[f.Path]; !ok || d != live {
			continue
		}
		switch sec := r.Time.Unix(); {
		case len(out) == 0 || sec > at:
			out, at = []*Record{r}, sec
		case sec == at:
			out = append(out, r)
		}
	}
	return out
}
