package policyreport

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/test/golden"
)

// TestGolden writes the report objects of one audit in each API, as they are applied.
func TestGolden(t *testing.T) {
	for _, api := range APIs {
		t.Run(strings.Split(string(api), "/")[0], func(t *testing.T) {
			b := NewBuilder(Options{API: api})
			reports := b.Build(auditReport(), time.Unix(1790000000, 0), uids)
			var objects []any
			for _, r := range reports {
				obj, err := r.Object()
				if err != nil {
					t.Fatal(err)
				}
				objects = append(objects, obj.Object)
			}
			got, err := json.MarshalIndent(objects, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(got), secretValue) {
				t.Errorf("a Secret's value is in the reports:\n%s", got)
			}
			golden.Check(t, strings.Split(string(api), "/")[0]+".json", append(got, '\n'))
		})
	}
}
