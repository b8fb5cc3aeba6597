package normalize

import (
	"os"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// BenchmarkNormalizeDeployment measures the round trip of the diff package's test Deployment:
// the cost paid once per object per load, never per comparison.
func BenchmarkNormalizeDeployment(b *testing.B) {
	raw, err := os.ReadFile("../diff/testdata/deployment.desired.json")
	if err != nil {
		b.Fatal(err)
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(raw, &obj); err != nil {
		b.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: obj}
	n, err := New(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := n.Normalize(u); err != nil {
			b.Fatal(err)
		}
	}
}
