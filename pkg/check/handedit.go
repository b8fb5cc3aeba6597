package check

import (
	"slices"
	"strings"
	"sync"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// DefaultManualManagers returns the field managers of the kubectl verbs that change a live
// object in place, by hand: their fields are hand edits (see Compiler.Manual). They are the
// names kubectl gives its requests (kubectl's source: the fieldManager each command sets).
// Left out: the managers that apply or create from files (kubectl-client-side-apply,
// "kubectl" for server-side apply, kubectl-create, kubectl-run, kubectl-expose), which also
// own every default the server filled in at creation, and kubectl-rollout, whose restart and
// undo are operations on a rollout, not edits of its specification. kubectl scale sets no
// manager of its own: the server names it "kubectl" after its user agent, as it does
// server-side apply, so it cannot be told apart (a replicas Git sets is compared anyway).
func DefaultManualManagers() []string {
	return []string{
		"kubectl-edit", "kubectl-patch", "kubectl-set", "kubectl-label", "kubectl-annotate",
		"kubectl-replace", "kubectl-taint",
	}
}

// defaults is a target's desired object with the API server's defaults, computed on first use:
// only objects with hand edits need it. Once computed, it stays as long as the target, sharing
// with the Want it was computed from every part the defaults left as they were: what it adds
// is little more than the defaults, and only for the objects someone edited by hand.
type defaults struct {
	once     sync.Once
	by       Defaulter
	obj      map[string]any
	unshared bool // Compiler.unshared
}

// withDefaults returns Want with the API server's defaults, or nil when they could not be
// computed.
func (t *Target) withDefaults() map[string]any {
	d := t.defaults
	if d == nil {
		return nil
	}
	d.once.Do(func() {
		want := t.Want()
		obj, err := d.by.Defaulted(want, t.GVK)
		if err == nil && d.unshared {
			d.obj = obj
		} else if err == nil {
			tab := share.NewTable()
			tab.Object(want) // Want's own parts, for obj to share
			d.obj = tab.Object(obj)
		}
	})
	return d.obj
}

// Compare returns how live (a live object's content) drifts from the target:
//   - the fields Git sets that live has otherwise (diff.Compare of Want);
//   - the fields a hand-edit manager (Compiler.Manual) owns that Git leaves out: a field
//     the API server defaults and that now holds another value is drift with the default as
//     the desired value (Field.Default); any other is drift with desired absent (Field.Added),
//     reported where it hangs from what Git has (a whole securityContext, one env item, one
//     label);
//
// and names, from live's managedFields, who owns each drifted value (Field.Owner). Both kinds
// of drift come out of one walk of Want and live (diff.CompareExtra), the paths the hand-edit
// managers own riding along: the search costs a parse of those managers' entries, not a walk
// of live per path.
//
// All of it works on Want's paths, as the API server stores the object; a Secret's key that
// Git spells under stringData is then reported as stringData.K (see Target.StringData).
//
// live may be a copy Project made (an auditor's cache holds them): one Project found in sync
// is answered at once, without Want; another is resolved against Want first (Resolve).
func (t *Target) Compare(live map[string]any) []diff.Field {
	switch projected(live) {
	case projectedInSync:
		return nil
	case projectedMarked:
		want := t.Want()
		return t.compare(want, diff.Resolve(live, want), true)
	}
	return t.compare(t.Want(), live, true)
}

// CompareRequest is Compare without owners: for an object in an admission request, whose
// managedFields already name the request's manager, and whose author the request names.
func (t *Target) CompareRequest(obj map[string]any) []diff.Field {
	return t.compare(t.Want(), obj, false)
}

// CompareRequestWant is CompareRequest against want, the target's Want (a tree Want
// returned, unchanged): for a caller that reads Want once for all its steps, so that it
// thaws at most once even when another target takes Want's slot meanwhile (the webhook).
func (t *Target) CompareRequestWant(want, obj map[string]any) []diff.Field {
	return t.compare(want, obj, false)
}

// compare is Compare against want, the target's Want, with the owners of the drift of the
// fields Git sets when attribute.
func (t *Target) compare(want, live map[string]any, attribute bool) []diff.Field {
	search := t.handEditSearch(live)
	fields, extras := t.compareGit(want, live, search.paths())
	git := len(fields)
	if search != nil {
		fields = append(fields, t.handEdits(want, search, extras)...)
	}
	if attribute && git > 0 {
		owners, err := ownership.FromObject(live)
		if err != nil {
			fields = fields[:git] // managedFields the server wrote always parse; nothing to add if not
		} else {
			for i := range fields[:git] {
				fields[i].Owner = ownerOf(owners, fields[i])
			}
		}
	}
	t.spellAsGit(fields[:git])
	return fields
}

func (t *Target) isManual(manager string) bool { return t.manual[manager] }

// mayHaveHandEdits reports whether live's managedFields have an entry of a hand-edit manager.
func (t *Target) mayHaveHandEdits(live map[string]any) bool {
	md, _ := live["metadata"].(map[string]any)
	list, _ := md["managedFields"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if name, _ := m["manager"].(string); t.manual[name] && m["subresource"] != "status" {
			return true
		}
	}
	return false
}

// handEditSearch is the hand-edit search of one comparison: the values the hand-edit managers
// own in live (leaves, in managedFields order), which the walk looks for under the ids that
// are their indexes.
type handEditSearch struct {
	leaves []ownership.Field
	set    diff.PathSet
}

// handEditSearch returns the search of live's hand edits, or nil when live has none to look
// for (no hand-edit managers, or no entry of one).
func (t *Target) handEditSearch(live map[string]any) *handEditSearch {
	if len(t.manual) == 0 || !t.mayHaveHandEdits(live) {
		return nil
	}
	owners, err := ownership.LeavesOf(live, t.isManual)
	if err != nil {
		return nil // managedFields the server wrote always parse; nothing to add if not
	}
	h := &handEditSearch{}
	for f := range owners.Fields() {
		if !f.Leaf || f.Owner.Subresource == "status" || t.neverHandEdit(f.Path) {
			continue
		}
		id := len(h.leaves)
		h.leaves = append(h.leaves, f)
		if f.IsItem {
			h.set.AddItem(f.Path, f.Item, id)
		} else {
			h.set.Add(f.Path, id)
		}
	}
	return h
}

// paths returns the paths the walk looks for; nil for no search.
func (h *handEditSearch) paths() *diff.PathSet {
	if h == nil {
		return nil
	}
	return &h.set
}

// handEdits returns the hand-added fields and hand-edited defaults among the leaves of h, from
// what the walk found where Want stops on the way to them (extras): a leaf under no extra is
// a value Git sets, which the walk compared. Leaves go in managedFields order, the first drift
// found at or above a path standing for those under it; the result is sorted by path, as the
// diff's own fields: managedFields' entries come in no fixed order. want is the target's Want.
func (t *Target) handEdits(want map[string]any, h *handEditSearch, extras []diff.Extra) []diff.Field {
	if len(extras) == 0 {
		return nil
	}
	var buf [16]int
	under := buf[:0] // the extra each leaf is under, or -1
	for range h.leaves {
		under = append(under, -1)
	}
	for i, e := range extras {
		for _, id := range e.IDs {
			under[id] = i
		}
	}
	var defaultsBuf [4]found
	defaults := t.defaultsAt(want, extras, defaultsBuf[:0])
	var out []diff.Field
	var done []diff.Path
	for id, f := range h.leaves {
		i := under[id]
		if i < 0 || covered(done, f.Path) {
			continue
		}
		e := &extras[i]
		var field diff.Field
		var at diff.Path
		if e.Items {
			// Git sets the list without this item (a finalizer added by hand).
			field, at = diff.Field{Path: f.Path.String(), Desired: t.mask(want, e.Path, e.Desired), Live: t.mask(want, e.Path, e.Live)}, f.Path
		} else if at = t.handEdit(want, f.Path, e, defaults[i], done, &field); at == nil {
			continue
		}
		field.Owner = diffOwner(f.Owner)
		out = append(out, field)
		done = append(done, at)
	}
	slices.SortFunc(out, func(a, b diff.Field) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// handEdit sets field to the drift of the value at p, a leaf a hand-edit manager owns that
// Want lacks, found under the extra e, and returns the path of the drift; def is what Want
// with defaults has at e.Path. A defaulted field that holds another value than its default is
// Field.Default; any other value is Field.Added, at the point where it hangs from Want with
// defaults, unless that point is among done, the drift already found. It returns nil when the
// value is no drift. want is the target's Want.
func (t *Target) handEdit(want map[string]any, p diff.Path, e *diff.Extra, def found, done []diff.Path, field *diff.Field) diff.Path {
	rel, s := p[len(e.Path):], t.Schema.At(e.Path)
	if def.ok {
		if dv, ok := diff.Get(def.v, rel, s); ok {
			lv, _ := liveAt(e, rel, s)
			if t.leftToOthers(p) || diff.Equal(dv, lv, t.Schema.At(p)) {
				return nil // a hand edit back to the default is no drift
			}
			*field = diff.Field{Path: p.String(), Desired: t.mask(want, p, dv), Live: t.mask(want, p, lv), Default: true}
			return p
		}
	}
	q := t.hangingPoint(def, e, p)
	if covered(done, q) || t.ignored(q) {
		return nil
	}
	lv, ok := liveAt(e, q[len(e.Path):], s)
	if !ok {
		return nil // owned, but gone (an entry not yet updated): nothing to report
	}
	*field = diff.Field{Path: q.String(), Live: t.mask(want, q, lv), Added: true}
	return q
}

// found is a value looked up, and whether it was there.
type found struct {
	v  any
	ok bool
}

// defaultsAt appends to out, for each extra, the value at its path in want, the target's
// Want, with the API server's defaults (want itself when they could not be computed).
func (t *Target) defaultsAt(want map[string]any, extras []diff.Extra, out []found) []found {
	obj := t.withDefaults()
	if obj == nil {
		obj = want
	}
	for _, e := range extras {
		var f found
		if !e.Items {
			f.v, f.ok = diff.Get(obj, e.Path, t.Schema)
		}
		out = append(out, f)
	}
	return out
}

// liveAt returns the live value at rel under the extra e, whose schema is s.
func liveAt(e *diff.Extra, rel diff.Path, s *diff.Schema) (any, bool) {
	if !e.InLive {
		return nil, false
	}
	return diff.Get(e.Live, rel, s)
}

// hangingPoint returns the path at which a hand-added value at p, under the extra e, shows:
// the first value on the way to p that Want with defaults lacks (def is its value at e.Path,
// above which it has them all, as Want has), but an item of a list or a key of a map rather
// than the whole list or map (one label, one env variable, not all of them).
func (t *Target) hangingPoint(def found, e *diff.Extra, p diff.Path) diff.Path {
	base, s := len(e.Path), t.Schema.At(e.Path)
	for i := base; i <= len(p); i++ {
		if def.ok {
			if _, ok := diff.Get(def.v, p[base:i], s); ok {
				continue
			}
		}
		if i < len(p) && (p[i].Kind != diff.FieldSegment || t.isMap(e, p[:i])) {
			i++
		}
		return p[:i]
	}
	return p
}

// isMap reports whether the live value at p, under the extra e, is a map with arbitrary keys
// (labels, a ConfigMap's data) rather than a struct: a map that the schema gives no fields.
func (t *Target) isMap(e *diff.Extra, p diff.Path) bool {
	if s := t.Schema.At(p); s != nil && len(s.Fields) > 0 {
		return false
	}
	v, _ := liveAt(e, p[len(e.Path):], t.Schema.At(e.Path))
	_, ok := v.(map[string]any)
	return ok
}

// neverHandEdit reports the paths that are not the object's specification: what Compare
// never looks at (status, the metadata the server keeps), the annotation kubectl keeps a copy
// of the object in (which kubectl edit rewrites), and ignored paths.
func (t *Target) neverHandEdit(p diff.Path) bool {
	return diff.NeverCompared(p) || diff.IsLastApplied(p) || t.ignored(p)
}

// ignored reports whether an ignore path (global, annotation, controller-owned) covers p.
func (t *Target) ignored(p diff.Path) bool {
	for _, ig := range t.Ignore {
		if ig.Covers(p) {
			return true
		}
	}
	return false
}

// leftToOthers reports the defaulted fields that Git leaving out means "someone else sets it":
// spec.replicas, which an autoscaler or an operator scales (Argo CD and Flux advise leaving it
// out of Git for that). kubectl scale of a replicas Git sets is drift as any other value.
func (t *Target) leftToOthers(p diff.Path) bool {
	return len(p) == 2 && p[0].Name == "spec" && p[1].Name == "replicas"
}

// mask returns a value found at p in a copy of the target's object in the form a report may
// show (diff.Mask): a Secret's values masked. want is the target's Want.
func (t *Target) mask(want map[string]any, p diff.Path, v any) any {
	return diff.Mask(want, p, v, t.SecretKey)
}

// covered reports whether p is one of done or under one.
func covered(done []diff.Path, p diff.Path) bool {
	for _, d := range done {
		if d.Covers(p) {
			return true
		}
	}
	return false
}

// ownerOf names who owns the live value of a drifted field: among the managers that own it,
// or own values under it, the one that wrote last. A value nested in an atomic one (a key of
// a selector) is owned by the owner of the whole. A value live lacks has no owner: nothing
// records who removed it.
func ownerOf(owners *ownership.Owners, f diff.Field) *diff.Owner {
	p, err := diff.ParsePath(f.Path)
	if err != nil {
		return nil
	}
	who, rel := owners.Of(p)
	if rel == ownership.None || rel == ownership.Ancestor && f.Live == nil {
		return nil
	}
	best := who[0]
	for _, o := range who[1:] {
		if o.Time.After(best.Time) {
			best = o
		}
	}
	return diffOwner(best)
}

func diffOwner(o ownership.Owner) *diff.Owner {
	return &diff.Owner{Manager: o.Manager, Operation: string(o.Operation), Subresource: o.Subresource, Time: o.Time}
}
