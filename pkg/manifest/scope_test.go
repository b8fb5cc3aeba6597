package manifest

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestBuiltinScope(t *testing.T) {
	tests := []struct {
		gvk  schema.GroupVersionKind
		want bool
	}{
		{schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}, false},
		{schema.GroupVersionKind{Version: "v1", Kind: "PersistentVolume"}, false},
		{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}, false},
		{schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1beta1", Kind: "CustomResourceDefinition"}, false},
		{schema.GroupVersionKind{Group: "networking.k8s.io", Version: "v1", Kind: "IngressClass"}, false},
		{schema.GroupVersionKind{Version: "v1", Kind: "PersistentVolumeClaim"}, true},
		{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"}, true},
		{schema.GroupVersionKind{Group: "x.io", Version: "v1", Kind: "Namespace"}, true},
		{schema.GroupVersionKind{Group: "x.io", Version: "v1", Kind: "Widget"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.gvk.String(), func(t *testing.T) {
			got, err := BuiltinScope{}.Namespaced(tt.gvk)
			if err != nil || got != tt.want {
				t.Errorf("Namespaced = %v, %v; want %v, nil", got, err, tt.want)
			}
		})
	}
}

func TestScopeAskedOncePerKind(t *testing.T) {
	calls := 0
	scope := ScopeFunc(func(schema.GroupVersionKind) (bool, error) {
		calls++
		return true, nil
	})
	_, err := LoadFS(mapFS(map[string]string{"a.yaml": cm + "a\n---\n" + cm + "b\n", "b.yaml": cm + "c\n"}), Options{Scope: scope})
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	if calls != 1 {
		t.Errorf("Scope called %d times for one kind, want 1", calls)
	}
}
