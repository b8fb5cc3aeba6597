package diff_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

func ExampleCompare() {
	containers := &diff.Schema{ListType: diff.ListMap, Keys: []string{"name"}, Elem: &diff.Schema{
		Fields: map[string]*diff.Schema{
			"resources": {Elem: &diff.Schema{Elem: &diff.Schema{Quantity: true}}},
		},
	}}
	schema := &diff.Schema{Fields: map[string]*diff.Schema{
		"spec": {Fields: map[string]*diff.Schema{"containers": containers}},
	}}
	desired := map[string]any{
		"kind": "Pod",
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "app", "image": "app:2", "resources": map[string]any{
				"limits": map[string]any{"cpu": "0.5", "memory": "1Gi"},
			}},
		}},
	}
	live := map[string]any{
		"kind":   "Pod",
		"status": map[string]any{"phase": "Running"},
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "istio-proxy", "image": "proxyv2:1.24"},
			map[string]any{"name": "app", "image": "app:1", "imagePullPolicy": "IfNotPresent", "resources": map[string]any{
				"limits": map[string]any{"cpu": "500m", "memory": "1024Mi"},
			}},
		}},
	}
	for _, f := range diff.Compare(desired, live, diff.Options{Schema: schema}) {
		fmt.Printf("%s: %v -> %v\n", f.Path, f.Live, f.Desired)
	}
	// Output:
	// spec.containers[name=app].image: app:1 -> app:2
}
