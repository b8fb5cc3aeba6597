package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompareListMapFidelity covers what a list-map's keys alone do not say: live items that
// repeat a desired key, and lists whose order matters. Each case compares {"l": desired} with
// {"l": live}.
func TestCompareListMapFidelity(t *testing.T) {
	byName := &Schema{ListType: ListMap, Keys: []string{"name"}, Elem: &Schema{}}
	ordered := &Schema{ListType: ListMap, Keys: []string{"name"}, Elem: &Schema{}, Ordered: true}
	ports := &Schema{
		ListType: ListMap, Keys: []string{"port", "protocol"},
		KeyDefaults: map[string]any{"protocol": "TCP"}, Elem: &Schema{}, Ordered: true,
	}
	tests := []struct {
		name          string
		schema        *Schema
		desired, live []any
		want          []Field
	}{
		{
			name:    "duplicate key appended in live",
			schema:  byName,
			desired: []any{item("name", "A", "value", "1"), item("name", "B", "value", "2")},
			live:    []any{item("name", "A", "value", "1"), item("name", "B", "value", "2"), item("name", "A", "value", "evil")},
			want: []Field{{
				Path:    "l[name=A]",
				Desired: item("name", "A", "value", "1"),
				Live:    []any{item("name", "A", "value", "1"), item("name", "A", "value", "evil")},
			}},
		},
		{
			name:    "duplicate key in desired and in live pairs up by position",
			schema:  byName,
			desired: []any{item("name", "A", "value", "1"), item("name", "A", "value", "2")},
			live:    []any{item("name", "A", "value", "1"), item("name", "A", "value", "2")},
		},
		{
			name:    "duplicate key in desired, one in live",
			schema:  byName,
			desired: []any{item("name", "A", "value", "1"), item("name", "A", "value", "2")},
			live:    []any{item("name", "A", "value", "1")},
			want:    []Field{{Path: "l[name=A]", Desired: item("name", "A", "value", "2")}},
		},
		{
			name:    "live-only keys are no drift",
			schema:  byName,
			desired: []any{item("name", "A")},
			live:    []any{item("name", "sidecar"), item("name", "A")},
		},
		{
			name:    "a key no item sets and the schema gives no default: items match",
			schema:  &Schema{ListType: ListMap, Keys: []string{"name", "ns"}, Elem: &Schema{}},
			desired: []any{item("name", "A", "v", "1")},
			live:    []any{item("name", "A", "v", "1")},
		},
		{
			name:    "live repeats a key while other desired items are missing",
			schema:  byName,
			desired: []any{item("name", "A"), item("name", "X"), item("name", "Y")},
			live:    []any{item("name", "A"), item("name", "A", "v", "2")},
			want: []Field{
				{Path: "l[name=A]", Desired: item("name", "A"), Live: []any{item("name", "A"), item("name", "A", "v", "2")}},
				{Path: "l[name=X]", Desired: item("name", "X")},
				{Path: "l[name=Y]", Desired: item("name", "Y")},
			},
		},
		{
			name:    "a list-map without keys compares by position",
			schema:  &Schema{ListType: ListMap, Elem: &Schema{}},
			desired: []any{item("name", "A")},
			live:    []any{item("name", "A"), item("name", "B")},
			want:    []Field{{Path: "l[1]", Live: item("name", "B")}},
		},
		{
			name:    "scalars in desired, a map in live: by position",
			desired: []any{"a", "b"},
			live:    []any{"a", item("name", "b")},
			want:    []Field{{Path: "l[1]", Desired: "b", Live: item("name", "b")}},
		},
		{
			name:    "unordered list ignores order",
			schema:  byName,
			desired: []any{item("name", "A"), item("name", "B")},
			live:    []any{item("name", "B"), item("name", "A")},
		},
		{
			name:    "ordered list reordered",
			schema:  ordered,
			desired: []any{item("name", "A"), item("name", "B"), item("name", "C")},
			live:    []any{item("name", "B"), item("name", "A"), item("name", "C")},
			want:    []Field{{Path: "l", Desired: []any{"A", "B", "C"}, Live: []any{"B", "A", "C"}}},
		},
		{
			name:    "ordered list with injected items in between is in order",
			schema:  ordered,
			desired: []any{item("name", "A"), item("name", "B")},
			live:    []any{item("name", "istio-init"), item("name", "A"), item("name", "x"), item("name", "B")},
		},
		{
			name:    "ordered list with a missing item is reported once, as missing",
			schema:  ordered,
			desired: []any{item("name", "A"), item("name", "B")},
			live:    []any{item("name", "B")},
			want:    []Field{{Path: "l[name=A]", Desired: item("name", "A")}},
		},
		{
			name:    "ordered list reordered after an item live lacks",
			schema:  ordered,
			desired: []any{item("name", "N"), item("name", "B"), item("name", "A")},
			live:    []any{item("name", "A"), item("name", "B")},
			want: []Field{
				{Path: "l", Desired: []any{"B", "A"}, Live: []any{"A", "B"}},
				{Path: "l[name=N]", Desired: item("name", "N")},
			},
		},
		{
			name:    "ordered list with several keys labels items by name=value",
			schema:  ports,
			desired: []any{item("port", int64(80)), item("port", int64(53), "protocol", "UDP")},
			live:    []any{item("port", int64(53), "protocol", "UDP"), item("port", int64(80), "protocol", "TCP")},
			want: []Field{{
				Path:    "l",
				Desired: []any{"port=80,protocol=TCP", "port=53,protocol=UDP"},
				Live:    []any{"port=53,protocol=UDP", "port=80,protocol=TCP"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := &Schema{Fields: map[string]*Schema{"l": tt.schema}}
			got := Compare(map[string]any{"l": tt.desired}, map[string]any{"l": tt.live}, Options{Schema: schema})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareAtomic checks that maps the schema marks atomic, and maps inside atomic structs,
// compare as a whole, while struct fields only live has (defaults) stay out of it.
func TestCompareAtomic(t *testing.T) {
	selector := &Schema{Atomic: true, Fields: map[string]*Schema{
		"matchLabels":      {Elem: nil},
		"matchExpressions": {ListType: ListAtomic, Elem: &Schema{}},
	}}
	fieldRef := &Schema{Atomic: true, Fields: map[string]*Schema{"fieldPath": nil, "apiVersion": nil}}
	schema := &Schema{Fields: map[string]*Schema{
		"nodeSelector": {Atomic: true},
		"labels":       {},
		"selector":     selector,
		"fieldRef":     fieldRef,
	}}
	tests := []struct {
		name          string
		desired, live map[string]any
		want          []Field
	}{
		{
			name:    "atomic map gains a key",
			desired: map[string]any{"nodeSelector": item("disk", "ssd")},
			live:    map[string]any{"nodeSelector": item("disk", "ssd", "zone", "a")},
			want:    []Field{{Path: "nodeSelector", Desired: item("disk", "ssd"), Live: item("disk", "ssd", "zone", "a")}},
		},
		{
			name:    "atomic map value changed",
			desired: map[string]any{"nodeSelector": item("disk", "ssd")},
			live:    map[string]any{"nodeSelector": item("disk", "hdd")},
			want:    []Field{{Path: "nodeSelector", Desired: item("disk", "ssd"), Live: item("disk", "hdd")}},
		},
		{
			name:    "atomic map key null in desired, another key in live",
			desired: map[string]any{"nodeSelector": item("disk", nil)},
			live:    map[string]any{"nodeSelector": item("zone", nil)},
			want:    []Field{{Path: "nodeSelector", Desired: item("disk", nil), Live: item("zone", nil)}},
		},
		{
			name:    "atomic map holding equal lists",
			desired: map[string]any{"nodeSelector": item("zones", []any{"a", "b"})},
			live:    map[string]any{"nodeSelector": item("zones", []any{"a", "b"})},
		},
		{
			name:    "atomic map holding a list that lost an item",
			desired: map[string]any{"nodeSelector": item("zones", []any{"a", "b"})},
			live:    map[string]any{"nodeSelector": item("zones", []any{"a"})},
			want:    []Field{{Path: "nodeSelector", Desired: item("zones", []any{"a", "b"}), Live: item("zones", []any{"a"})}},
		},
		{
			name:    "atomic map holding a list that became a string",
			desired: map[string]any{"nodeSelector": item("zones", []any{"a"})},
			live:    map[string]any{"nodeSelector": item("zones", "a")},
			want:    []Field{{Path: "nodeSelector", Desired: item("zones", []any{"a"}), Live: item("zones", "a")}},
		},
		{
			name:    "atomic map equal",
			desired: map[string]any{"nodeSelector": item("disk", "ssd")},
			live:    map[string]any{"nodeSelector": item("disk", "ssd")},
		},
		{
			name:    "granular map gains a key: not drift",
			desired: map[string]any{"labels": item("app", "x")},
			live:    map[string]any{"labels": item("app", "x", "team", "y")},
		},
		{
			name:    "map inside an atomic struct gains a key",
			desired: map[string]any{"selector": map[string]any{"matchLabels": item("app", "x")}},
			live:    map[string]any{"selector": map[string]any{"matchLabels": item("app", "x", "tier", "db")}},
			want: []Field{{
				Path: "selector.matchLabels", Desired: item("app", "x"), Live: item("app", "x", "tier", "db"),
			}},
		},
		{
			name:    "defaulted field of an atomic struct is not drift",
			desired: map[string]any{"fieldRef": item("fieldPath", "metadata.name")},
			live:    map[string]any{"fieldRef": item("fieldPath", "metadata.name", "apiVersion", "v1")},
		},
		{
			name:    "atomic map absent in live",
			desired: map[string]any{"nodeSelector": item("disk", "ssd")},
			live:    map[string]any{},
			want:    []Field{{Path: "nodeSelector", Desired: item("disk", "ssd")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.desired, tt.live, Options{Schema: schema})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}
