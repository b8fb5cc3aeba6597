package policyreport

import (
	"fmt"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// BenchmarkBuild builds the reports of an audit of 10,000 resources in 100 namespaces, 1% of
// them drifted: the work --policy-reports adds to each full audit.
func BenchmarkBuild(b *testing.B) {
	resources := make([]report.Resource, 10000)
	for i := range resources {
		resources[i] = report.Resource{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: fmt.Sprintf("ns-%03d", i%100), Name: fmt.Sprintf("cm-%05d", i),
			Status: report.StatusInSync,
		}
		if i%100 == 0 {
			resources[i].Status = report.StatusDrifted
			resources[i].Fields = []diff.Field{{Path: "data.key", Desired: "a", Live: "b"}}
		}
	}
	r := report.New("rev", resources)
	builder := NewBuilder(Options{})
	now := time.Unix(1, 0)
	b.ReportAllocs()
	for b.Loop() {
		builder.Build(r, now, nil)
	}
}
