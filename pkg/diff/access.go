package diff

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Get returns the value at p in obj, and whether it is there. A KeyedSegment selects the list
// item whose key fields, formatted as in a Path, have its values; an item that omits a key
// takes the key's default from s (which may be nil). Get follows a path as Compare reports it,
// in the object it is given: a Secret's stringData.K is not looked for under data.K. obj is
// an object's content, or any value inside one, p then a path from it and s its schema.
func Get(obj any, p Path, s *Schema) (any, bool) {
	cur := obj
	for i := range p {
		seg := &p[i]
		switch seg.Kind {
		case FieldSegment:
			m, _ := cur.(map[string]any)
			v, ok := m[seg.Name]
			if !ok {
				return nil, false
			}
			cur, s = v, s.Field(seg.Name)
		case IndexSegment, KeyedSegment:
			l, _ := cur.([]any)
			j := find(l, seg, s)
			if j < 0 {
				return nil, false
			}
			cur, s = l[j], s.Item()
		default:
			return nil, false
		}
	}
	return cur, true
}

// Set puts v at p in obj. It creates the maps and lists on the way that are missing; for a
// KeyedSegment that matches no item it appends an item holding the key fields (values that
// read as integers or booleans become int64 or bool), and an IndexSegment may append by naming
// the position just past the end. A KeyedSegment or IndexSegment at the end of p replaces the
// whole item. Set fails on a wildcard, an empty path, or a value in the way that is not a map
// or a list.
func Set(obj map[string]any, p Path, s *Schema, v any) error {
	if obj == nil {
		return fmt.Errorf("set %q: nil object", p)
	}
	if len(p) == 0 || p[0].Kind != FieldSegment {
		return fmt.Errorf("set %q: path must start with a field", p)
	}
	if _, err := set(obj, p, 0, s, v); err != nil {
		return fmt.Errorf("set %q: %w", p, err)
	}
	return nil
}

// set puts v at p[i:] under cur, the value at p[:i], and returns what now stands for cur: the
// same map, a new map or list, or a list that grew.
func set(cur any, p Path, i int, s *Schema, v any) (any, error) {
	if i == len(p) {
		return v, nil
	}
	seg := &p[i]
	if seg.Kind == FieldSegment {
		m, ok := cur.(map[string]any)
		if cur == nil {
			m, ok = map[string]any{}, true
		}
		if !ok {
			return nil, fmt.Errorf("%q is a %T, not a map", p[:i], cur)
		}
		child, err := set(m[seg.Name], p, i+1, s.Field(seg.Name), v)
		if err != nil {
			return nil, err
		}
		m[seg.Name] = child
		return m, nil
	}
	l, ok := cur.([]any)
	if !ok && cur != nil {
		return nil, fmt.Errorf("%q is a %T, not a list", p[:i], cur)
	}
	j, err := itemFor(l, seg, s)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", p[:i], err)
	}
	if j == len(l) {
		l = append(l, newItem(seg))
	}
	child, err := set(l[j], p, i+1, s.Item(), v)
	if err != nil {
		return nil, err
	}
	l[j] = child
	return l, nil
}

// itemFor returns the index of the item seg selects in l, len(l) when Set should append it.
func itemFor(l []any, seg *Segment, s *Schema) (int, error) {
	switch seg.Kind {
	case WildcardSegment:
		return 0, errors.New("cannot set through a wildcard")
	case IndexSegment:
		if seg.Index < 0 || seg.Index > len(l) {
			return 0, fmt.Errorf("index %d out of range (length %d)", seg.Index, len(l))
		}
		return seg.Index, nil
	}
	if j := find(l, seg, s); j >= 0 {
		return j, nil
	}
	return len(l), nil
}

// find returns the index of the item of l that seg, an IndexSegment or KeyedSegment, selects,
// or -1.
func find(l []any, seg *Segment, s *Schema) int {
	if seg.Kind == IndexSegment {
		if seg.Index >= 0 && seg.Index < len(l) {
			return seg.Index
		}
		return -1
	}
	if seg.Kind != KeyedSegment || len(seg.Keys) == 0 {
		return -1
	}
	var defaults map[string]any
	if s != nil {
		defaults = s.KeyDefaults
	}
	for j, item := range l {
		if m, ok := item.(map[string]any); ok && keysMatch(m, seg.Keys, defaults) {
			return j
		}
	}
	return -1
}

func keysMatch(m map[string]any, keys []KeyValue, defaults map[string]any) bool {
	for _, kv := range keys {
		v := keyValue(m, kv.Name, defaults)
		if v == nil || formatScalar(v) != kv.Value {
			return false
		}
	}
	return true
}

// newItem returns the list item a Set creates: for a KeyedSegment, a map of its key fields.
func newItem(seg *Segment) any {
	if seg.Kind != KeyedSegment {
		return nil
	}
	m := make(map[string]any, len(seg.Keys))
	for _, kv := range seg.Keys {
		m[kv.Name] = parseScalar(kv.Value)
	}
	return m
}

// parseScalar reads a key value back: int64 or bool when it reads as one, else the string.
func parseScalar(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
		return b
	}
	return s
}

// Delete removes the value at the concrete path p from obj: a map key, or a list item. It
// does nothing when there is no value at p.
func Delete(obj map[string]any, p Path, s *Schema) {
	if len(p) == 0 {
		return
	}
	parent, ok := any(obj), true
	if len(p) > 1 {
		parent, ok = Get(obj, p[:len(p)-1], s)
	}
	if !ok {
		return
	}
	last := &p[len(p)-1]
	if last.Kind == FieldSegment {
		if m, ok := parent.(map[string]any); ok {
			delete(m, last.Name)
		}
		return
	}
	l, _ := parent.([]any)
	if j := find(l, last, s.At(p[:len(p)-1])); j >= 0 {
		_ = Set(obj, p[:len(p)-1], s, append(l[:j:j], l[j+1:]...))
	}
}

// ItemSegment names the item j of the list l, whose schema is s, as Compare names it in the
// paths it reports: by its key values in a list-map (a key the item omits takes its default),
// by name when nothing is known of the list and all its items have a name, else by position.
func ItemSegment(l []any, j int, s *Schema) Segment {
	f := frame{kind: KeyedSegment, index: j}
	if m, ok := l[j].(map[string]any); ok {
		f.item = m
		f.keys, f.defaults = namingKeys(l, s)
	}
	return f.segment()
}

// namingKeys returns the fields that name the map items of l, whose schema is s, in paths,
// and their defaults: a list-map's keys, "name" when nothing is known of the list and all its
// items have a name; none (items named by position) otherwise.
func namingKeys(l []any, s *Schema) ([]string, map[string]any) {
	switch {
	case s != nil && s.ListType == ListMap:
		return s.Keys, s.KeyDefaults
	case s == nil && allNamed(l):
		return []string{"name"}, nil
	}
	return nil, nil
}

// Pointer returns the JSON pointer (RFC 6901) tokens, escaped, of the value at p in obj, list
// items by their index as Get finds them, and whether the value is there.
func Pointer(obj map[string]any, p Path, s *Schema) ([]string, bool) {
	var cur any = obj
	out := make([]string, 0, len(p))
	for i := range p {
		seg := &p[i]
		switch seg.Kind {
		case FieldSegment:
			m, _ := cur.(map[string]any)
			v, ok := m[seg.Name]
			if !ok {
				return nil, false
			}
			out = append(out, strings.NewReplacer("~", "~0", "/", "~1").Replace(seg.Name))
			cur, s = v, s.Field(seg.Name)
		case IndexSegment, KeyedSegment:
			l, _ := cur.([]any)
			j := find(l, seg, s)
			if j < 0 {
				return nil, false
			}
			out = append(out, strconv.Itoa(j))
			cur, s = l[j], s.Item()
		default:
			return nil, false
		}
	}
	return out, true
}
