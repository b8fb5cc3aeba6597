package chart_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/chart/valuesdoc"
)

// TestReadmeValuesTable checks that the chart README's values table is the one values.yaml's
// comments give.
func TestReadmeValuesTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	vals, err := valuesdoc.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(chartDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := valuesdoc.Splice(string(readme), valuesdoc.Table(vals))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(readme)); diff != "" {
		t.Errorf("charts/gitops-drift/README.md's values table is stale; run `make chart-docs` (-want +got):\n%s", diff)
	}
}
