package desired

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// TestCompared checks that compared tells the objects check.Run asks for as their policy
// does: every annotation the policy reads starts with policyPrefix, and an object with one
// is judged by policy.FromAnnotations.
func TestCompared(t *testing.T) {
	for _, a := range []string{policy.AnnotationSkip, policy.AnnotationIgnoreFields, policy.AnnotationRemediationPolicy, policy.AnnotationEnforcement} {
		if !strings.HasPrefix(a, policyPrefix) {
			t.Errorf("annotation %s does not start with %s", a, policyPrefix)
		}
	}
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
			p, err := policy.FromAnnotations(obj.GetAnnotations())
			if old := err == nil && !p.Skip; old != tc.want {
				t.Errorf("the policy asks %v, the case wants %v", old, tc.want)
			}
		})
	}
}
