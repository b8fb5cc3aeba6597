package crddefault

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// upstreamFiles are the files of the package copied, unchanged but for the package clause.
var upstreamFiles = []string{"algorithm.go", "prune.go", "prunenulls.go", "surroundingobject.go", "algorithm_test.go", "prunenulls_test.go"}

// TestSameAsUpstream compares the copy with the package it was copied from, in the version of
// k8s.io/apiextensions-apiserver the module requires: after an upgrade that changed it, copy
// the files again (see the package doc).
func TestSameAsUpstream(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/apiextensions-apiserver").Output()
	if err != nil {
		t.Fatalf("go list -m k8s.io/apiextensions-apiserver: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "pkg", "apiserver", "schema", "defaulting")
	for _, name := range upstreamFiles {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			want = bytes.Replace(want, []byte("\npackage defaulting\n"), []byte("\npackage crddefault\n"), 1)
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s: copy it again (package crddefault's doc)", name, filepath.Join(dir, name))
			}
		})
	}
}
