package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func item(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// TestCompareLists compares {"l": desired} with {"l": live} under a schema for l.
func TestCompareLists(t *testing.T) {
	byName := &Schema{ListType: ListMap, Keys: []string{"name"}, Elem: &Schema{}}
	ports := &Schema{
		ListType: ListMap, Keys: []string{"port", "protocol"},
		KeyDefaults: map[string]any{"protocol": "TCP"}, Elem: &Schema{},
	}
	set := &Schema{ListType: ListSet}
	atomic := &Schema{ListType: ListAtomic, Elem: &Schema{}}
	tests := []struct {
		name          string
		schema        *Schema
		desired, live []any
		want          []Field
	}{
		{
			name:    "map: sidecar at index 0 and reordered",
			schema:  byName,
			desired: []any{item("name", "a", "image", "1"), item("name", "b", "image", "2")},
			live:    []any{item("name", "sidecar"), item("name", "b", "image", "2"), item("name", "a", "image", "1")},
		},
		{
			name:    "map: missing item",
			schema:  byName,
			desired: []any{item("name", "a"), item("name", "b", "image", "2")},
			live:    []any{item("name", "a")},
			want:    []Field{{Path: "l[name=b]", Desired: item("name", "b", "image", "2")}},
		},
		{
			name:    "map: changed field",
			schema:  byName,
			desired: []any{item("name", "a,b", "image", "2")},
			live:    []any{item("name", "a,b", "image", "3")},
			want:    []Field{{Path: `l[name="a,b"].image`, Desired: "2", Live: "3"}},
		},
		{
			name:    "map: key default matches live protocol",
			schema:  ports,
			desired: []any{item("port", int64(80), "targetPort", int64(8080)), item("port", 53.0, "protocol", "UDP")},
			live: []any{
				item("port", 53.0, "protocol", "UDP"), item("port", int64(53), "protocol", "TCP"),
				item("port", int64(80), "protocol", "TCP", "targetPort", int64(9090)),
			},
			want: []Field{{Path: "l[port=80,protocol=TCP].targetPort", Desired: int64(8080), Live: int64(9090)}},
		},
		{
			name:    "map: item without keys is named by position",
			schema:  byName,
			desired: []any{item("name", "a"), item("image", "x")},
			live:    []any{item("name", "a")},
			want:    []Field{{Path: "l[1]", Desired: item("image", "x")}},
		},
		{
			name:    "set: all desired items in live",
			schema:  set,
			desired: []any{"a", "b"},
			live:    []any{"b", "c", "a"},
		},
		{
			name:    "set: missing item reports both lists",
			schema:  set,
			desired: []any{"a", "d"},
			live:    []any{"b", "a"},
			want:    []Field{{Path: "l", Desired: []any{"a", "d"}, Live: []any{"b", "a"}}},
		},
		{
			name:    "atomic scalars: order matters",
			schema:  atomic,
			desired: []any{"a", "b"},
			live:    []any{"b", "a"},
			want:    []Field{{Path: "l", Desired: []any{"a", "b"}, Live: []any{"b", "a"}}},
		},
		{
			name:    "atomic scalars: numbers by value",
			schema:  atomic,
			desired: []any{int64(1), 2.0},
			live:    []any{1.0, int32(2)},
		},
		{
			name:    "atomic scalars: empty desired against items",
			schema:  atomic,
			desired: []any{},
			live:    []any{"a"},
			want:    []Field{{Path: "l", Desired: []any{}, Live: []any{"a"}}},
		},
		{
			name:    "atomic objects: by position, extra live item",
			schema:  atomic,
			desired: []any{item("key", "a", "effect", "NoSchedule")},
			live:    []any{item("key", "a", "effect", "NoExecute"), item("key", "b")},
			want: []Field{
				{Path: "l[0].effect", Desired: "NoSchedule", Live: "NoExecute"},
				{Path: "l[1]", Live: item("key", "b")},
			},
		},
		{
			name:    "atomic objects: missing live item",
			schema:  atomic,
			desired: []any{item("key", "a"), item("key", "b")},
			live:    []any{item("key", "a")},
			want:    []Field{{Path: "l[1]", Desired: item("key", "b")}},
		},
		{
			name:    "atomic named objects still compare by position",
			schema:  atomic,
			desired: []any{item("name", "a"), item("name", "b")},
			live:    []any{item("name", "b"), item("name", "a")},
			want: []Field{
				{Path: "l[0].name", Desired: "a", Live: "b"},
				{Path: "l[1].name", Desired: "b", Live: "a"},
			},
		},
		{
			name:    "no schema: named objects match by name",
			desired: []any{item("name", "a", "v", "1"), item("name", "c")},
			live:    []any{item("name", "sidecar"), item("name", "a", "v", "2")},
			want: []Field{
				{Path: "l[name=a].v", Desired: "1", Live: "2"},
				{Path: "l[name=c]", Desired: item("name", "c")},
			},
		},
		{
			name:    "no schema: unnamed objects by position",
			desired: []any{item("name", "a"), item("v", "1")},
			live:    []any{item("v", "1"), item("name", "a")},
			want: []Field{
				{Path: "l[0].name", Desired: "a"},
				{Path: "l[1].v", Desired: "1"},
			},
		},
		{
			name:    "no schema: scalars as a whole",
			desired: []any{"a"},
			live:    []any{"a", "b"},
			want:    []Field{{Path: "l", Desired: []any{"a"}, Live: []any{"a", "b"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var schema *Schema
			if tt.schema != nil {
				schema = &Schema{Fields: map[string]*Schema{"l": tt.schema}}
			}
			got := Compare(map[string]any{"l": tt.desired}, map[string]any{"l": tt.live}, Options{Schema: schema})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}
