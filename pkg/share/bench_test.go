package share_test

import (
	"fmt"
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// BenchmarkTable shares 1,000 Deployment-like trees through one table, as a compile does.
func BenchmarkTable(b *testing.B) {
	trees := make([]map[string]any, 1000)
	for i := range trees {
		trees[i] = deploymentLike(fmt.Sprint("app-", i))
	}
	b.ReportAllocs()
	for b.Loop() {
		tab := share.NewTable()
		for _, tree := range trees {
			tab.Object(tree)
		}
	}
}
