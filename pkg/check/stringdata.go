package check

import (
	"slices"
	"strings"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// A Secret's stringData is folded into its data once, when the target is compiled
// (pkg/normalize): Want has the keys under data, where the API server stores them and where
// the comparison, the owner lookup and the hand-edit search find them, and Target.StringData
// lists those Git spells under stringData. The two functions here translate between the
// spellings: ignore paths into the stored one, once, and drifted paths back into Git's, after
// the comparison, so that reports, logs, warnings and Events name them as Git has them.

const (
	dataField       = "data"
	stringDataField = "stringData"
)

// storedIgnore returns the ignore paths with those under stringData that Git spells there
// (keys, sorted) in the stored form: stringData.K as data.K, and stringData as data.K for
// every such K. Other paths are kept as they are. It returns ignore itself when keys is
// empty, and a new slice otherwise: ignore may be shared.
func storedIgnore(ignore []diff.Path, keys []string) []diff.Path {
	if len(keys) == 0 {
		return ignore
	}
	out := make([]diff.Path, 0, len(ignore))
	for _, p := range ignore {
		switch {
		case len(p) == 0 || p[0].Kind != diff.FieldSegment || p[0].Name != stringDataField:
			out = append(out, p)
		case len(p) == 1:
			for _, k := range keys {
				out = append(out, diff.Path{field(dataField), field(k)})
			}
		case p[1].Kind == diff.FieldSegment && spelled(keys, p[1].Name):
			out = append(out, append(diff.Path{field(dataField)}, p[1:]...))
		default:
			out = append(out, p)
		}
	}
	return out
}

// spellAsGit renames the drifted fields at data.K, for the keys K that Git spells under
// stringData, to stringData.K, and moves them where a walk of Git's object would have found
// them: fields come in walk order, which takes an object's top-level fields in sorted order.
// fields are the comparison's, in its order.
func (t *Target) spellAsGit(fields []diff.Field) {
	if len(t.StringData) == 0 {
		return
	}
	renamed := false
	for i := range fields {
		if git, ok := t.gitPath(fields[i].Path); ok {
			fields[i].Path, renamed = git, true
		}
	}
	if renamed {
		slices.SortStableFunc(fields, func(a, b diff.Field) int { return strings.Compare(topField(a.Path), topField(b.Path)) })
	}
}

// gitPath returns stringData.K for path data.K when Git spells K under stringData.
func (t *Target) gitPath(path string) (string, bool) {
	if !strings.HasPrefix(path, dataField) {
		return "", false
	}
	p, err := diff.ParsePath(path)
	if err != nil || len(p) != 2 || p[0].Name != dataField || p[1].Kind != diff.FieldSegment || !spelled(t.StringData, p[1].Name) {
		return "", false
	}
	return diff.Path{field(stringDataField), p[1]}.String(), true
}

// spelled reports whether k is among keys, which are sorted.
func spelled(keys []string, k string) bool {
	_, ok := slices.BinarySearch(keys, k)
	return ok
}

// topField returns the top-level field of a rendered path: what comes before its first "."
// or "[". The top-level fields of a Secret never need quoting.
func topField(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

func field(name string) diff.Segment { return diff.Segment{Kind: diff.FieldSegment, Name: name} }
