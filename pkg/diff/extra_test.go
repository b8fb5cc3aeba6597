package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestCompareExtra checks what CompareExtra finds on the way to the paths of a set: where
// desired stops, one extra for the paths under it; nothing under values desired sets; the
// items of a set list desired has without them. Its fields are always Compare's.
func TestCompareExtra(t *testing.T) {
	schema := deploymentSchema()
	app := container("app")
	desired := func() map[string]any {
		return map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "web"}, "finalizers": []any{"a"}},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"containers": []any{map[string]any{"name": "app", "image": "nginx:1.25"}},
			}}},
		}
	}
	proxy := map[string]any{"name": "proxy", "image": "envoy:1.30"}
	live := func() map[string]any {
		l := desired()
		mustSet(t, l, "metadata.labels.owner", schema, "me")
		mustSet(t, l, "metadata.finalizers", schema, []any{"a", "b"})
		mustSet(t, l, app+".securityContext", schema, map[string]any{"privileged": true})
		mustSet(t, l, app+".image", schema, "nginx:1.26")
		mustSet(t, l, container("proxy"), schema, copyValue(proxy))
		return l
	}
	tests := []struct {
		name  string
		paths []string
		items map[string]any // path: item
		want  []Extra
	}{
		{name: "no set: nothing looked for"},
		{
			name:  "a label desired lacks",
			paths: []string{"metadata.labels.owner"},
			want:  []Extra{{Path: mustPath(t, "metadata.labels.owner"), Live: "me", InLive: true, IDs: []int{0}}},
		},
		{
			name:  "under a value desired sets: nothing",
			paths: []string{"metadata.labels.app", app + ".image"},
		},
		{
			name:  "where desired stops, once for the paths under it",
			paths: []string{app + ".securityContext.privileged", app + ".securityContext.runAsUser"},
			want:  []Extra{{Path: mustPath(t, app+".securityContext"), Live: map[string]any{"privileged": true}, InLive: true, IDs: []int{0, 1}}},
		},
		{
			name:  "an item desired lacks, whole",
			paths: []string{container("proxy") + ".image", container("proxy") + ".name"},
			want:  []Extra{{Path: mustPath(t, container("proxy")), Live: proxy, InLive: true, IDs: []int{0, 1}}},
		},
		{
			name:  "a path live lacks too",
			paths: []string{"spec.paused"},
			want:  []Extra{{Path: mustPath(t, "spec.paused"), IDs: []int{0}}},
		},
		{
			name:  "items of a set list",
			items: map[string]any{"metadata.finalizers": "b"},
			want: []Extra{{Path: mustPath(t, "metadata.finalizers"), Live: []any{"a", "b"}, InLive: true, Items: true,
				Desired: []any{"a"}, IDs: []int{0}}},
		},
		{
			name:  "an item of a set list desired has",
			items: map[string]any{"metadata.finalizers": "a"},
		},
		{
			name:  "status and server metadata: looked for like any path",
			paths: []string{"status.replicas"},
			want:  []Extra{{Path: mustPath(t, "status"), IDs: []int{0}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var set *PathSet
			if tt.paths != nil || tt.items != nil {
				set = &PathSet{}
			}
			for i, p := range tt.paths {
				set.Add(mustPath(t, p), i)
			}
			for p, item := range tt.items {
				set.AddItem(mustPath(t, p), item, len(tt.paths))
			}
			d, l := desired(), live()
			opts := Options{Schema: schema}
			fields, extras := CompareExtra(d, l, opts, set)
			if diff := cmp.Diff(Compare(d, l, opts), fields); diff != "" {
				t.Errorf("fields (-Compare +CompareExtra):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, extras, cmpopts.IgnoreUnexported(Extra{})); diff != "" {
				t.Errorf("extras (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPathSetSegments checks that a PathSet matches list items by key values whatever their
// order, as managedFields name them (sorted by name) and Compare does (in schema order).
func TestPathSetSegments(t *testing.T) {
	schema := serviceSchema()
	d := map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": int64(80)}}}}
	l := map[string]any{"spec": map[string]any{"ports": []any{map[string]any{"port": int64(80), "protocol": "TCP", "targetPort": int64(8080)}}}}
	set := &PathSet{}
	set.Add(Path{field("spec"), field("ports"), {Kind: KeyedSegment, Keys: []KeyValue{{"protocol", "TCP"}, {"port", "80"}}}, field("targetPort")}, 7)
	_, extras := CompareExtra(d, l, Options{Schema: schema}, set)
	want := []Extra{{Path: mustPath(t, "spec.ports[protocol=TCP,port=80].targetPort"), Live: int64(8080), InLive: true, IDs: []int{7}}}
	if diff := cmp.Diff(want, extras, cmpopts.IgnoreUnexported(Extra{})); diff != "" {
		t.Errorf("extras (-want +got):\n%s", diff)
	}
	if got := set.Len(); got != 1 {
		t.Errorf("Len() = %d, want 1", got)
	}
}

// TestPathSetIDs checks that a PathSet keeps every id of a path added more than once (by
// several managers, say), tells list items apart by position, and counts what was added.
func TestPathSetIDs(t *testing.T) {
	d := map[string]any{"a": "x", "l": []any{}}
	l := map[string]any{"a": "x", "b": int64(1), "l": []any{"p", "q"}, "f": []any{"z"}}
	set := &PathSet{}
	for _, id := range []int{1, 2, 3} {
		set.Add(mustPath(t, "b"), id)
	}
	set.Add(mustPath(t, "l[0]"), 4)
	set.Add(mustPath(t, "l[1]"), 5)
	set.AddItem(mustPath(t, "f"), "z", 6)
	_, got := CompareExtra(d, l, Options{}, set)
	want := []Extra{
		{Path: mustPath(t, "b"), Live: int64(1), InLive: true, IDs: []int{1, 2, 3}},
		{Path: mustPath(t, "f"), Live: []any{"z"}, InLive: true, IDs: []int{6}},
		{Path: mustPath(t, "l[1]"), Live: "q", InLive: true, IDs: []int{5}},
		{Path: mustPath(t, "l[0]"), Live: "p", InLive: true, IDs: []int{4}},
	}
	byPath := cmpopts.SortSlices(func(a, b Extra) bool { return a.Path.String() < b.Path.String() })
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Extra{}), byPath); diff != "" {
		t.Errorf("extras (-want +got):\n%s", diff)
	}
	if got := set.Len(); got != 6 {
		t.Errorf("Len() = %d, want 6", got)
	}
}
