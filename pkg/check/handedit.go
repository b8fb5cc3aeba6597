package check

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
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
// only objects with hand edits need it. Once computed, it stays as long as the target: a second
// tree, but only for the objects someone edited by hand.
type defaults struct {
	once sync.Once
	by   Defaulter
	obj  map[string]any
}

// withDefaults returns Want with the API server's defaults, or nil when they could not be
// computed.
func (t *Target) withDefaults() map[string]any {
	d := t.defaults
	if d == nil {
		return nil
	}
	d.once.Do(func() {
		obj, err := d.by.Defaulted(t.Want, t.GVK)
		if err == nil {
			d.obj = obj
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
// and names, from live's managedFields, who owns each drifted value (Field.Owner).
//
// All of it works on Want's paths, as the API server stores the object; a Secret's key that
// Git spells under stringData is then reported as stringData.K (see Target.StringData).
func (t *Target) Compare(live map[string]any) []diff.Field {
	fields, _ := t.compareGit(live, nil)
	git := len(fields)
	fields = t.withOwners(live, fields)
	t.spellAsGit(fields[:git])
	return fields
}

// withOwners adds to fields, the drift of the fields Git sets, the hand edits of live, and
// names the owner of each.
func (t *Target) withOwners(live map[string]any, fields []diff.Field) []diff.Field {
	manual := len(t.manual) > 0 && t.mayHaveHandEdits(live)
	if len(fields) == 0 && !manual {
		return fields
	}
	var keep func(string) bool
	if len(fields) == 0 { // only the hand-edit managers' entries matter
		keep = t.isManual
	}
	owners, err := ownership.FromObjectOf(live, keep)
	if err != nil {
		return fields // managedFields the server wrote always parse; nothing to add if not
	}
	if manual {
		fields = append(fields, t.handEdits(live, owners)...)
	}
	for i := range fields {
		if fields[i].Owner == nil {
			fields[i].Owner = ownerOf(owners, fields[i])
		}
	}
	return fields
}

// CompareRequest is Compare without owners: for an object in an admission request, whose
// managedFields already name the request's manager, and whose author the request names.
func (t *Target) CompareRequest(obj map[string]any) []diff.Field {
	fields, _ := t.compareGit(obj, nil)
	t.spellAsGit(fields)
	if len(t.manual) == 0 || !t.mayHaveHandEdits(obj) {
		return fields
	}
	owners, err := ownership.FromObjectOf(obj, t.isManual)
	if err != nil {
		return fields
	}
	return append(fields, t.handEdits(obj, owners)...)
}

func (t *Target) isManual(manager string) bool { return t.manual[manager] }

// HandEditManagers reports whether the raw JSON of an object names a hand-edit manager in its
// managedFields, cheaply: a decoder that skips managedFields must keep them when it does.
func (t *Target) HandEditManagers(raw []byte) bool {
	for m := range t.manual {
		if bytes.Contains(raw, []byte(`"`+m+`"`)) {
			return true
		}
	}
	return false
}

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

// handEdits returns the hand-added fields and hand-edited defaults of live.
func (t *Target) handEdits(live map[string]any, owners *ownership.Owners) []diff.Field {
	var out []diff.Field
	var done []diff.Path
	want := t.Want
	withDefaults := t.withDefaults()
	if withDefaults == nil {
		withDefaults = want
	}
	for f := range owners.Fields() {
		if !f.Leaf || !t.manual[f.Owner.Manager] || f.Owner.Subresource == "status" || t.neverHandEdit(f.Path) {
			continue
		}
		if covered(done, f.Path) {
			continue
		}
		owner := diffOwner(f.Owner)
		if _, ok := diff.Get(want, f.Path, t.Schema); ok {
			// Git sets it: compareGit judged the value. Only an item of a set list (a
			// finalizer) can still be missing from Git's list.
			if f.IsItem && !slices.ContainsFunc(listAt(t.Want, f.Path, t.Schema), func(v any) bool { return diff.Equal(v, f.Item, nil) }) {
				lv, _ := diff.Get(live, f.Path, t.Schema)
				wv, _ := diff.Get(t.Want, f.Path, t.Schema)
				out = append(out, diff.Field{Path: f.Path.String(), Desired: t.mask(f.Path, wv), Live: t.mask(f.Path, lv), Owner: owner})
				done = append(done, f.Path)
			}
			continue
		}
		if dv, ok := diff.Get(withDefaults, f.Path, t.Schema); ok {
			lv, _ := diff.Get(live, f.Path, t.Schema)
			if t.leftToOthers(f.Path) || diff.Equal(dv, lv, t.Schema.At(f.Path)) {
				continue // a hand edit back to the default is no drift
			}
			out = append(out, diff.Field{Path: f.Path.String(), Desired: t.mask(f.Path, dv), Live: t.mask(f.Path, lv), Default: true, Owner: owner})
			done = append(done, f.Path)
			continue
		}
		p := t.hangingPoint(withDefaults, live, f.Path)
		if covered(done, p) || t.ignored(p) {
			continue
		}
		lv, ok := diff.Get(live, p, t.Schema)
		if !ok {
			continue // owned, but gone (an entry not yet updated): nothing to report
		}
		out = append(out, diff.Field{Path: p.String(), Live: t.mask(p, lv), Added: true, Owner: owner})
		done = append(done, p)
	}
	// By path, as the diff's own fields: managedFields' entries come in no fixed order.
	slices.SortFunc(out, func(a, b diff.Field) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// hangingPoint returns the path at which a hand-added value at p shows: the first value on
// the way to p that obj lacks, but an item of a list or a key of a map rather than the whole
// list or map (one label, one env variable, not all of them).
func (t *Target) hangingPoint(obj, live map[string]any, p diff.Path) diff.Path {
	for i := 1; i <= len(p); i++ {
		if _, ok := diff.Get(obj, p[:i], t.Schema); ok {
			continue
		}
		if i < len(p) && (p[i].Kind != diff.FieldSegment || t.isMap(live, p[:i])) {
			i++
		}
		return p[:i]
	}
	return p
}

// isMap reports whether the value at p is a map with arbitrary keys (labels, a ConfigMap's
// data) rather than a struct: a map in live that the schema gives no fields.
func (t *Target) isMap(live map[string]any, p diff.Path) bool {
	if s := t.Schema.At(p); s != nil && len(s.Fields) > 0 {
		return false
	}
	v, _ := diff.Get(live, p, t.Schema)
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
// show (diff.Mask): a Secret's values masked.
func (t *Target) mask(p diff.Path, v any) any { return diff.Mask(t.Want, p, v, t.SecretKey) }

// covered reports whether p is one of done or under one.
func covered(done []diff.Path, p diff.Path) bool {
	for _, d := range done {
		if d.Covers(p) {
			return true
		}
	}
	return false
}

// listAt returns the list at p in obj, or nil.
func listAt(obj map[string]any, p diff.Path, s *diff.Schema) []any {
	v, _ := diff.Get(obj, p, s)
	l, _ := v.([]any)
	return l
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
