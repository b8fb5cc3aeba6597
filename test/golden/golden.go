// Package golden compares a test's output with a golden file under the package's testdata/,
// and rewrites the file instead when the test runs with -update (go test ./pkg/x -update).
// A test package that imports it must not define an -update flag of its own.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag: a test binary's flags are registered when it starts.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Check compares got with the file testdata/name (a slash-separated path), reporting a
// difference as (-want +got); under -update it first writes got to the file.
func Check[T string | []byte](t testing.TB, name string, got T) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
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
