package diff

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompareValues checks how single values compare: numbers, quantities, empty values and
// type mismatches. Comparison is strict: a desired zero or empty value that live lacks is drift
// (the desired side comes normalised, without the zeros the server drops); only an empty list
// cannot be told from an absent one. Each case compares {"v": desired} with {"v": live}, or with {} when live is
// absent; the schema marks v as a quantity when quantity is set.
func TestCompareValues(t *testing.T) {
	type absent struct{}
	tests := []struct {
		name          string
		desired, live any
		quantity      bool
		drift         bool
	}{
		{name: "int64 and float64", desired: int64(3), live: 3.0},
		{name: "int and int32", desired: 3, live: int32(3)},
		{name: "json.Number and int64", desired: json.Number("3"), live: int64(3)},
		{name: "json.Number float", desired: json.Number("0.25"), live: 0.25},
		{name: "float32 and float64", desired: float32(0.1), live: 0.1},
		{name: "float32 of two digits and float64", desired: float32(0.25), live: 0.25},
		{name: "integer and fraction", desired: int64(0), live: 0.5, drift: true},
		{name: "integers apart by one beyond float64's precision", desired: int64(9007199254740993), live: 9007199254740992.0, drift: true},
		{name: "quantity float of two digits", desired: 0.25, live: "250m", quantity: true},
		{name: "different numbers", desired: int64(3), live: 3.5, drift: true},
		{name: "string and number", desired: "3", live: int64(3), drift: true},
		{name: "bool and string", desired: true, live: "true", drift: true},
		{name: "changed string", desired: "a", live: "b", drift: true},
		{name: "empty string and value", desired: "", live: "b", drift: true},
		{name: "quantity cores", desired: "0.5", live: "500m", quantity: true},
		{name: "quantity binary", desired: "1024Mi", live: "1Gi", quantity: true},
		{name: "quantity milli", desired: "1000m", live: "1", quantity: true},
		{name: "quantity number", desired: int64(2), live: "2", quantity: true},
		{name: "quantity float", desired: 0.5, live: "500m", quantity: true},
		{name: "quantity drift", desired: "2", live: "1", quantity: true, drift: true},
		{name: "quantity unparsable equal", desired: "lots", live: "lots", quantity: true},
		{name: "quantity unparsable drift", desired: "lots", live: "1", quantity: true, drift: true},
		{name: "quantities need the schema", desired: "0.5", live: "500m", drift: true},
		{name: "empty map and absent", desired: map[string]any{}, live: absent{}, drift: true},
		{name: "empty list and absent", desired: []any{}, live: absent{}},
		{name: "empty list and null", desired: []any{}, live: nil},
		{name: "empty string and absent", desired: "", live: absent{}, drift: true},
		{name: "empty map and null", desired: map[string]any{}, live: nil, drift: true},
		{name: "empty list and empty map", desired: []any{}, live: map[string]any{}, drift: true},
		{name: "null and value", desired: nil, live: "x"},
		{name: "false and absent", desired: false, live: absent{}, drift: true},
		{name: "zero and absent", desired: int64(0), live: absent{}, drift: true},
		{name: "false and false", desired: false, live: false},
		{name: "true and absent", desired: true, live: absent{}, drift: true},
		{name: "empty map and full map", desired: map[string]any{}, live: map[string]any{"a": "b"}},
		{name: "map and string", desired: map[string]any{"a": "b"}, live: "a", drift: true},
		{name: "list and string", desired: []any{"a"}, live: "a", drift: true},
		{name: "string and list", desired: "a", live: []any{"a"}, drift: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := &Schema{Fields: map[string]*Schema{"v": {Quantity: tt.quantity}}}
			live := map[string]any{"v": tt.live}
			var wantLive any = tt.live
			if _, ok := tt.live.(absent); ok {
				live, wantLive = map[string]any{}, nil
			}
			var want []Field
			if tt.drift {
				want = []Field{{Path: "v", Desired: tt.desired, Live: wantLive}}
			}
			got := Compare(map[string]any{"v": tt.desired}, live, Options{Schema: schema})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareMaps checks that maps recurse and only desired fields count.
func TestCompareMaps(t *testing.T) {
	tests := []struct {
		name          string
		desired, live map[string]any
		want          []Field
	}{
		{
			name:    "live-only fields are no drift",
			desired: map[string]any{"a": map[string]any{"b": "1"}},
			live:    map[string]any{"a": map[string]any{"b": "1", "c": "2"}, "d": "3"},
		},
		{
			name:    "absent map reported per leaf, in key order",
			desired: map[string]any{"a": map[string]any{"z": "1", "b": map[string]any{"c": true}, "e": map[string]any{}}},
			live:    map[string]any{},
			want:    []Field{{Path: "a.b.c", Desired: true}, {Path: "a.e", Desired: map[string]any{}}, {Path: "a.z", Desired: "1"}},
		},
		{
			name:    "keys needing quotes",
			desired: map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "x", "": "y"}},
			live:    map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "z", "": "y"}},
			want:    []Field{{Path: `labels["app.kubernetes.io/name"]`, Desired: "x", Live: "z"}},
		},
		{
			name:    "nil live object",
			desired: map[string]any{"kind": "ConfigMap", "status": map[string]any{"x": "y"}},
			want:    []Field{{Path: "kind", Desired: "ConfigMap"}},
		},
		{
			name:    "status is skipped only at the root",
			desired: map[string]any{"spec": map[string]any{"status": "on", "uid": "1"}},
			live:    map[string]any{"spec": map[string]any{"status": "off", "uid": "2"}},
			want: []Field{
				{Path: "spec.status", Desired: "on", Live: "off"},
				{Path: "spec.uid", Desired: "1", Live: "2"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(tt.desired, tt.live, Options{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKeyNumbers checks how a number key value is written in a path: whole floats that fit an
// int64 in decimal, others in the shortest form that reads back.
func TestKeyNumbers(t *testing.T) {
	ports := &Schema{ListType: ListMap, Keys: []string{"k"}}
	tests := []struct {
		v    any
		want string
	}{
		{v: 1e18, want: "[k=1000000000000000000]"},
		{v: float64(math.MinInt64), want: "[k=-9223372036854775808]"},
		{v: float64(math.MaxInt64), want: "[k=9.223372036854776e+18]"},
		{v: 0.25, want: "[k=0.25]"},
		{v: int64(-3), want: "[k=-3]"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := Path{ItemSegment([]any{map[string]any{"k": tt.v}}, 0, ports)}.String()
			if got != tt.want {
				t.Errorf("ItemSegment = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestIsQuantity(t *testing.T) {
	for _, tt := range []struct {
		s    *Schema
		want bool
	}{{nil, false}, {&Schema{}, false}, {&Schema{Quantity: true}, true}} {
		if got := tt.s.IsQuantity(); got != tt.want {
			t.Errorf("(%+v).IsQuantity() = %v, want %v", tt.s, got, tt.want)
		}
	}
}
