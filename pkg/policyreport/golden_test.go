package policyreport

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name, or rewrites the file under -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

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
			checkGolden(t, strings.Split(string(api), "/")[0]+".json", append(got, '\n'))
		})
	}
}
