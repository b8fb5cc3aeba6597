package check

import (
	"slices"
	"strings"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

// The hand-edit search as it was before it joined the diff's walk: each path a hand-edit
// manager owns looked up from the root of Want, of Want with defaults and of live. It is the
// oracle the one-walk search is tested against (TestHandEditsOneWalk, FuzzHandEdits): same
// fields, same order, same owners.

// legacyCompare is Compare as it was.
func (t *Target) legacyCompare(live map[string]any) []diff.Field {
	want := t.Want()
	fields, _ := t.compareGit(want, live, nil)
	git := len(fields)
	fields = t.legacyWithOwners(want, live, fields)
	t.spellAsGit(fields[:git])
	return fields
}

// legacyCompareRequest is CompareRequest as it was.
func (t *Target) legacyCompareRequest(obj map[string]any) []diff.Field {
	want := t.Want()
	fields, _ := t.compareGit(want, obj, nil)
	t.spellAsGit(fields)
	if len(t.manual) == 0 || !t.mayHaveHandEdits(obj) {
		return fields
	}
	owners, err := ownership.FromObjectOf(obj, t.isManual)
	if err != nil {
		return fields
	}
	return append(fields, t.legacyHandEdits(want, obj, owners)...)
}

func (t *Target) legacyWithOwners(want, live map[string]any, fields []diff.Field) []diff.Field {
	manual := len(t.manual) > 0 && t.mayHaveHandEdits(live)
	if len(fields) == 0 && !manual {
		return fields
	}
	var keep func(string) bool
	if len(fields) == 0 {
		keep = t.isManual
	}
	owners, err := ownership.FromObjectOf(live, keep)
	if err != nil {
		return fields
	}
	if manual {
		fields = append(fields, t.legacyHandEdits(want, live, owners)...)
	}
	for i := range fields {
		if fields[i].Owner == nil {
			fields[i].Owner = ownerOf(owners, fields[i])
		}
	}
	return fields
}

func (t *Target) legacyHandEdits(want, live map[string]any, owners *ownership.Owners) []diff.Field {
	var out []diff.Field
	var done []diff.Path
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
			if f.IsItem && !slices.ContainsFunc(listAt(want, f.Path, t.Schema), func(v any) bool { return diff.Equal(v, f.Item, nil) }) {
				lv, _ := diff.Get(live, f.Path, t.Schema)
				wv, _ := diff.Get(want, f.Path, t.Schema)
				out = append(out, diff.Field{Path: f.Path.String(), Desired: t.mask(want, f.Path, wv), Live: t.mask(want, f.Path, lv), Owner: owner})
				done = append(done, f.Path)
			}
			continue
		}
		if dv, ok := diff.Get(withDefaults, f.Path, t.Schema); ok {
			lv, _ := diff.Get(live, f.Path, t.Schema)
			if t.leftToOthers(f.Path) || diff.Equal(dv, lv, t.Schema.At(f.Path)) {
				continue
			}
			out = append(out, diff.Field{Path: f.Path.String(), Desired: t.mask(want, f.Path, dv), Live: t.mask(want, f.Path, lv), Default: true, Owner: owner})
			done = append(done, f.Path)
			continue
		}
		p := t.legacyHangingPoint(withDefaults, live, f.Path)
		if covered(done, p) || t.ignored(p) {
			continue
		}
		lv, ok := diff.Get(live, p, t.Schema)
		if !ok {
			continue
		}
		out = append(out, diff.Field{Path: p.String(), Live: t.mask(want, p, lv), Added: true, Owner: owner})
		done = append(done, p)
	}
	slices.SortFunc(out, func(a, b diff.Field) int { return strings.Compare(a.Path, b.Path) })
	return out
}

func (t *Target) legacyHangingPoint(obj, live map[string]any, p diff.Path) diff.Path {
	for i := 1; i <= len(p); i++ {
		if _, ok := diff.Get(obj, p[:i], t.Schema); ok {
			continue
		}
		if i < len(p) && (p[i].Kind != diff.FieldSegment || t.legacyIsMap(live, p[:i])) {
			i++
		}
		return p[:i]
	}
	return p
}

func (t *Target) legacyIsMap(live map[string]any, p diff.Path) bool {
	if s := t.Schema.At(p); s != nil && len(s.Fields) > 0 {
		return false
	}
	v, _ := diff.Get(live, p, t.Schema)
	_, ok := v.(map[string]any)
	return ok
}

// listAt returns the list at p in obj, or nil.
func listAt(obj map[string]any, p diff.Path, s *diff.Schema) []any {
	v, _ := diff.Get(obj, p, s)
	l, _ := v.([]any)
	return l
}
