package desired

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	write := func(t *testing.T, p, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, dir string)
		changed bool
	}{
		{"nothing", func(*testing.T, string) {}, false},
		{"a file's size", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "a.yaml"), "kind: ConfigMap # longer\n") }, true},
		{"a file's modification time", func(t *testing.T, dir string) {
			at := time.Unix(1800000000, 0)
			if err := os.Chtimes(filepath.Join(dir, "a.yaml"), at, at); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"a file's mode", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, "a.yaml"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"a new file", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "c.yaml"), "kind: Secret\n") }, true},
		{"a file renamed", func(t *testing.T, dir string) {
			if err := os.Rename(filepath.Join(dir, "a.yaml"), filepath.Join(dir, "a2.yaml")); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"a file in a subdirectory", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "sub", "b.yaml"), "kind: Service # longer\n")
		}, true},
		{"the file a link names", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".data", "l.yaml"), "kind: Namespace # longer\n")
		}, true},
		{"a hidden file", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".hidden.yaml"), "kind: Secret # longer\n")
		}, false},
		{"a file in a hidden directory", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, ".git", "x.yaml"), "kind: Secret # longer\n")
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "a.yaml"), "kind: ConfigMap\n")
			write(t, filepath.Join(dir, "sub", "b.yaml"), "kind: Service\n")
			write(t, filepath.Join(dir, ".data", "l.yaml"), "kind: Namespace\n")
			write(t, filepath.Join(dir, ".hidden.yaml"), "kind: Secret\n")
			write(t, filepath.Join(dir, ".git", "x.yaml"), "kind: Secret\n")
			if err := os.Symlink(filepath.Join(dir, ".data", "l.yaml"), filepath.Join(dir, "l.yaml")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "dangling.yaml")); err != nil {
				t.Fatal(err) // skipped, as the loader skips it
			}
			before, err := fingerprint(dir)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, dir)
			after, err := fingerprint(dir)
			if err != nil {
				t.Fatal(err)
			}
			if got := after != before; got != tt.changed {
				t.Errorf("fingerprint changed: %v, want %v", got, tt.changed)
			}
		})
	}
}

func TestFingerprintMissing(t *testing.T) {
	if _, err := fingerprint(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("fingerprint of a missing directory: %v, want an error that it does not exist", err)
	}
}

// BenchmarkFingerprint fingerprints a directory of 10,000 files, as a Reloader's every poll of
// test/macrobench's corpus does.
func BenchmarkFingerprint(b *testing.B) {
	dir := b.TempDir()
	for i := range 10000 {
		name := fmt.Sprintf("bench-10000-%d-ConfigMap-cfg-%d.yaml", i/500, i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte("kind: ConfigMap\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fingerprint(dir); err != nil {
			b.Fatal(err)
		}
	}
}
