package desired

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// TestCompared checks that compared tells the objects check.Run asks for: those whose
// annotations parse and whose policy does not skip them.
func TestCompared(t *testing.T) {
	tests := []struct {
		name     string
		metadata any
		want     bool
	}{
		{"no metadata", nil, true},
		{"no annotations", map[string]any{"name": "a"}, true},
		{"other annotations", map[string]any{"annotations": map[string]any{"example.com/owner": "team", "x": int64(1)}}, true},
		{"skipped", map[string]any{"annotations": map[string]any{policy.AnnotationSkip: "true"}}, false},
		{"not skipped", map[string]any{"annotations": map[string]any{policy.AnnotationSkip: " false "}}, true},
		{"invalid skip", map[string]any{"annotations": map[string]any{policy.AnnotationSkip: "maybe"}}, false},
		{"invalid enforcement", map[string]any{"annotations": map[string]any{policy.AnnotationEnforcement: "loud"}}, false},
		{"valid ignore-fields", map[string]any{"annotations": map[string]any{policy.AnnotationIgnoreFields: "spec.replicas"}}, true},
		// GetAnnotations gives no annotations when one is not a string: the default policy.
		{"a value not a string", map[string]any{"annotations": map[string]any{policy.AnnotationSkip: "true", "x": int64(1)}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
			if tc.metadata != nil {
				obj.Object["metadata"] = tc.metadata
			}
			if got := compared(obj); got != tc.want {
				t.Errorf("compared = %v, want %v", got, tc.want)
			}
		})
	}
}
