package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestKeyString(t *testing.T) {
	tests := []struct {
		key  Key
		want string
	}{
		{Key{Group: "apps", Kind: "Deployment", Namespace: "demo", Name: "frontend"}, "Deployment demo/frontend"},
		{Key{Kind: "Namespace", Name: "demo"}, "Namespace demo"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.key.String()); diff != "" {
				t.Errorf("String() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKeyOf(t *testing.T) {
	tests := []struct {
		name string
		obj  map[string]any
		want Key
	}{{
		name: "grouped, namespaced",
		obj: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "frontend", "namespace": "demo"}},
		want: Key{Group: "apps", Kind: "Deployment", Namespace: "demo", Name: "frontend"},
	}, {
		name: "core, no namespace",
		obj:  map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "demo"}},
		want: Key{Kind: "Namespace", Name: "demo"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := KeyOf(&unstructured.Unstructured{Object: tt.obj})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("KeyOf (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSet(t *testing.T) {
	set, err := LoadFS(mapFS(map[string]string{
		"a.yaml": cm + "b\n---\n" + cm + "a\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: z}\n",
	}), Options{})
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	if got := set.Len(); got != 3 {
		t.Errorf("Len() = %d, want 3", got)
	}
	tests := []struct {
		key      Key
		wantLine int
		wantOK   bool
	}{
		{Key{Kind: "ConfigMap", Namespace: "default", Name: "a"}, 6, true},
		{Key{Kind: "Namespace", Name: "z"}, 11, true},
		{Key{Kind: "ConfigMap", Name: "a"}, 0, false},
		{Key{Group: "x.io", Kind: "ConfigMap", Namespace: "default", Name: "a"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.key.String(), func(t *testing.T) {
			o, ok := set.Get(tt.key)
			if diff := cmp.Diff([]any{tt.wantOK, tt.wantLine}, []any{ok, o.Line}); diff != "" {
				t.Errorf("Get (-want +got):\n%s", diff)
			}
		})
	}
	objs := set.Objects()
	objs[0] = Object{}
	if set.Objects()[0].Obj == nil {
		t.Error("changing the slice Objects returned changed the Set")
	}
}

func TestNilSet(t *testing.T) {
	var set *Set
	_, ok := set.Get(Key{Kind: "Namespace", Name: "a"})
	if set.Len() != 0 || set.Objects() != nil || ok {
		t.Errorf("nil Set: Len() = %d, Objects() = %v, Get ok = %v; want empty", set.Len(), set.Objects(), ok)
	}
}
