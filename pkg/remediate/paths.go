package remediate

import (
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// expand returns the concrete paths of obj that the pattern p covers (see diff.Path.Covers):
// a wildcard stands for every item of its list, a keyed segment for every item that has its
// key values, an index for the item at that position. List items are named as the drift
// check names them: by their keys in a list-map, by position otherwise. Paths that lead
// nowhere in obj give nothing; the result never holds a wildcard.
func expand(obj map[string]any, p diff.Path, s *diff.Schema) []diff.Path {
	var out []diff.Path
	expandFrom(obj, p, s, make(diff.Path, 0, len(p)), &out)
	return out
}

// expandFrom expands the rest of p, len(prefix) segments in, under cur, the value at prefix.
func expandFrom(cur any, p diff.Path, s *diff.Schema, prefix diff.Path, out *[]diff.Path) {
	i := len(prefix)
	if i == len(p) {
		*out = append(*out, append(diff.Path(nil), prefix...))
		return
	}
	seg := p[i]
	if seg.Kind == diff.FieldSegment {
		m, _ := cur.(map[string]any)
		if v, ok := m[seg.Name]; ok {
			expandFrom(v, p, s.Field(seg.Name), append(prefix, seg), out)
		}
		return
	}
	l, _ := cur.([]any)
	pattern := diff.Path{seg}
	for j, item := range l {
		named := diff.ItemSegment(l, j, s)
		if pattern.Covers(diff.Path{named}) {
			expandFrom(item, p, s.Item(), append(prefix, named), out)
		}
	}
}

// itemsExist reports whether every list item that the concrete path p goes through exists in
// obj. Copying a value into obj at p must not add list items that obj does not define.
func itemsExist(obj map[string]any, p diff.Path, s *diff.Schema) bool {
	for i := range p {
		if p[i].Kind == diff.FieldSegment {
			continue
		}
		if _, ok := diff.Get(obj, p[:i+1], s); !ok {
			return false
		}
	}
	return true
}
