package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/test/golden"
)

// staleReport is a report of the last good revision while a newer one fails to load.
func staleReport(resources []Resource) Report {
	r := New("3f2a1b4c5d6e", resources)
	since := time.Date(2026, 11, 25, 0, 37, 20, 0, time.FixedZone("CET", 3600))
	r.StaleSince = &since
	r.StaleError = "revision 9d8c7b6a5f4e: deploy/app.yaml:3: invalid YAML: did not find expected node content"
	return r
}

func TestStale(t *testing.T) {
	tests := []struct {
		golden    string
		resources []Resource
		write     func(*bytes.Buffer, Report) error
	}{
		{"stale-clean.txt", inSyncResources(), func(b *bytes.Buffer, r Report) error { return Text(b, r) }},
		{"stale-drift.txt", driftedResources(), func(b *bytes.Buffer, r Report) error { return Text(b, r) }},
		{"stale-clean.json", inSyncResources(), func(b *bytes.Buffer, r Report) error { return JSON(b, r) }},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, staleReport(tt.resources)); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, tt.golden, b.Bytes())
			if !bytes.Contains(b.Bytes(), []byte("2026-11-24T23:37:20Z")) {
				t.Errorf("%s lacks the stale time in UTC", tt.golden)
			}
		})
	}
}
