package ownership

import (
	"errors"
	"fmt"
	"strconv"

	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// DiffPath returns fp in pkg/diff's notation: a field name as a FieldSegment, a key as a
// KeyedSegment whose values are formatted as pkg/diff formats them (strings as they are,
// numbers in decimal, booleans as true or false; keys in fieldpath's order, by name), an index
// as an IndexSegment. pkg/diff has no segment for an item of a set list (a value element,
// which can only end a path): DiffPath then returns the list's path, the item's value and
// isItem true.
func DiffPath(fp fieldpath.Path) (p diff.Path, item any, isItem bool, err error) {
	p = make(diff.Path, 0, len(fp))
	for i, pe := range fp {
		switch {
		case pe.FieldName != nil:
			p = append(p, diff.Segment{Kind: diff.FieldSegment, Name: *pe.FieldName})
		case pe.Key != nil:
			p = append(p, keyedSegment(*pe.Key))
		case pe.Index != nil:
			p = append(p, diff.Segment{Kind: diff.IndexSegment, Index: *pe.Index})
		case pe.Value != nil:
			if i != len(fp)-1 {
				return nil, nil, false, fmt.Errorf("%s: a set item inside a path", fp)
			}
			return p, (*pe.Value).Unstructured(), true, nil
		default:
			return nil, nil, false, fmt.Errorf("%s: empty path element", fp)
		}
	}
	return p, nil, false, nil
}

// keyedSegment formats the key fields of a list-map item as pkg/diff names the item, by
// letting pkg/diff name an item that holds just those fields.
func keyedSegment(keys value.FieldList) diff.Segment {
	item := make(map[string]any, len(keys))
	names := make([]string, len(keys))
	for i, f := range keys {
		item[f.Name] = f.Value.Unstructured()
		names[i] = f.Name
	}
	return diff.ItemSegment([]any{item}, 0, &diff.Schema{ListType: diff.ListMap, Keys: names})
}

// FieldPath returns the concrete path p (no wildcard) as a fieldpath.Path. pkg/diff formats
// key values as text, so their types come from obj, the object p is a path of (s its schema,
// may be nil): a keyed segment takes the key values of the item of obj it selects. When obj
// has no such item, a value that reads as an integer or a boolean takes that type, as
// diff.Set does.
func FieldPath(p diff.Path, obj map[string]any, s *diff.Schema) (fieldpath.Path, error) {
	fp := make(fieldpath.Path, 0, len(p))
	for i, seg := range p {
		switch seg.Kind {
		case diff.FieldSegment:
			fp = append(fp, fieldpath.PathElement{FieldName: &seg.Name})
		case diff.IndexSegment:
			fp = append(fp, fieldpath.PathElement{Index: &seg.Index})
		case diff.KeyedSegment:
			item, _ := diff.Get(obj, p[:i+1], s)
			fp = append(fp, keyElement(seg.Keys, item))
		default:
			return nil, errors.New("ownership: " + p.String() + ": a wildcard names no single field")
		}
	}
	return fp, nil
}

// keyElement builds the key of a list-map item from the key values of a keyed segment, typed as
// in item (the live item, or nil).
func keyElement(keys []diff.KeyValue, item any) fieldpath.PathElement {
	m, _ := item.(map[string]any)
	fields := make(value.FieldList, len(keys))
	for i, kv := range keys {
		v, ok := m[kv.Name]
		if !ok {
			v = parseScalar(kv.Value)
		}
		fields[i] = value.Field{Name: kv.Name, Value: value.NewValueInterface(v)}
	}
	fields.Sort()
	return fieldpath.PathElement{Key: &fields}
}

// parseScalar reads a key value back: int64 or bool when it reads as one, else the string.
func parseScalar(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if s == "true" || s == "false" {
		return s == "true"
	}
	return s
}
