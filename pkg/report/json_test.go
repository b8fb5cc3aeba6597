package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/golden"
)

func TestJSONGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		report Report
	}{
		{name: "drift", golden: "drift.json", report: New("3f2a1b4c5d6e", driftedResources())},
		{name: "clean", golden: "clean.json", report: New("3f2a1b4c5d6e", inSyncResources())},
		{name: "nothing checked", golden: "empty.json", report: New("", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := JSON(&b, tt.report); err != nil {
				t.Fatalf("JSON() error = %v", err)
			}
			golden.Check(t, tt.golden, b.Bytes())
		})
	}
}

// TestJSONNoNull checks that a Report not built by New still marshals its lists as [].
func TestJSONNoNull(t *testing.T) {
	tests := []struct {
		name   string
		report Report
		want   string
	}{
		{
			name:   "nil resources",
			report: Report{},
			want:   `{"revision":"","summary":{"resources":0,"drifted":0,"fields":0,"missing":0,"errors":0},"resources":[]}`,
		},
		{
			name:   "nil fields",
			report: Report{Resources: []Resource{{Kind: "Namespace", Name: "a", Status: StatusInSync}}},
			want: `{"revision":"","summary":{"resources":0,"drifted":0,"fields":0,"missing":0,"errors":0},"resources":[` +
				`{"apiVersion":"","kind":"Namespace","namespace":"","name":"a","status":"in-sync","action":"","fields":[]}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := JSON(&b, tt.report); err != nil {
				t.Fatalf("JSON() error = %v", err)
			}
			var got bytes.Buffer
			if err := json.Compact(&got, b.Bytes()); err != nil {
				t.Fatalf("compact: %v", err)
			}
			if diff := cmp.Diff(tt.want, got.String()); diff != "" {
				t.Errorf("JSON() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
