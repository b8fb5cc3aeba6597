package remediate

import (
	"fmt"
	"math"
	"strconv"

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
		named := itemSegment(l, j, s)
		if pattern.Covers(diff.Path{named}) {
			expandFrom(item, p, s.Item(), append(prefix, named), out)
		}
	}
}

// itemSegment names the item j of the list l whose schema is s, as diff.Compare does: by
// its key values in a list-map (a key the item omits takes its default), by name when nothing
// is known of the list and all its items have a name, else by position.
func itemSegment(l []any, j int, s *diff.Schema) diff.Segment {
	m, isMap := l[j].(map[string]any)
	var keys []string
	var defaults map[string]any
	switch {
	case !isMap:
	case s != nil && s.ListType == diff.ListMap:
		keys, defaults = s.Keys, s.KeyDefaults
	case s == nil && allNamed(l):
		keys = []string{"name"}
	}
	var kvs []diff.KeyValue
	for _, k := range keys {
		v, ok := m[k]
		if !ok || v == nil {
			v = defaults[k]
		}
		if v != nil {
			kvs = append(kvs, diff.KeyValue{Name: k, Value: formatKey(v)})
		}
	}
	if len(kvs) == 0 {
		return diff.Segment{Kind: diff.IndexSegment, Index: j}
	}
	return diff.Segment{Kind: diff.KeyedSegment, Keys: kvs}
}

// allNamed reports whether every item of l is a map with a string "name".
func allNamed(l []any) bool {
	for _, v := range l {
		m, _ := v.(map[string]any)
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return true
}

// formatKey writes a key value as a Path does: strings as they are, numbers in decimal,
// booleans as true or false.
func formatKey(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
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

// remove deletes the value at the concrete path p from obj: a map key, or a list item. It
// does nothing when there is no value at p.
func remove(obj map[string]any, p diff.Path, s *diff.Schema) {
	if len(p) == 0 {
		return
	}
	parent, ok := any(obj), true
	if len(p) > 1 {
		parent, ok = diff.Get(obj, p[:len(p)-1], s)
	}
	if !ok {
		return
	}
	last := p[len(p)-1]
	if last.Kind == diff.FieldSegment {
		if m, ok := parent.(map[string]any); ok {
			delete(m, last.Name)
		}
		return
	}
	l, ok := parent.([]any)
	if !ok {
		return
	}
	listSchema := schemaAt(p[:len(p)-1], s)
	for j := range l {
		if (diff.Path{last}).Covers(diff.Path{itemSegment(l, j, listSchema)}) {
			l = append(l[:j:j], l[j+1:]...)
			_ = diff.Set(obj, p[:len(p)-1], s, l)
			return
		}
	}
}

// schemaAt returns the schema of the value at p, a path from the root whose schema is s.
func schemaAt(p diff.Path, s *diff.Schema) *diff.Schema {
	for _, seg := range p {
		if seg.Kind == diff.FieldSegment {
			s = s.Field(seg.Name)
		} else {
			s = s.Item()
		}
	}
	return s
}
