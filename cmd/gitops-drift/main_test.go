package main_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/version"
)

// TestStamp builds the binary with `make build` and given VERSION, COMMIT and DATE, and checks
// that `version -o json` prints them with the real client-go and Go versions, and that the
// binary run as kubectl-gitops_drift names itself `kubectl gitops-drift`.
func TestStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	makeBin := lookPath(t, "make")
	dir := t.TempDir()
	build := exec.CommandContext(t.Context(), makeBin, "-s", "-C", "../..", "build", "BIN="+dir,
		"VERSION=v9.8.7-test", "COMMIT=0123456789abcdef0123456789abcdef01234567", "DATE=2026-01-02T03:04:05Z")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	bin := filepath.Join(dir, "gitops-drift")
	out, err := exec.CommandContext(t.Context(), bin, "version", "-o", "json").Output()
	if err != nil {
		t.Fatalf("version -o json: %v", err)
	}
	var got version.Info
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("version -o json printed %q: %v", out, err)
	}
	if !regexp.MustCompile(`^v0\.\d+\.\d+$`).MatchString(got.ClientGoVersion) {
		t.Errorf("clientGoVersion = %q, want k8s.io/client-go's version", got.ClientGoVersion)
	}
	want := version.Info{
		Version: "v9.8.7-test", Commit: "0123456789abcdef0123456789abcdef01234567", BuildDate: "2026-01-02T03:04:05Z",
		GoVersion: runtime.Version(), ClientGoVersion: got.ClientGoVersion, Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("version -o json mismatch (-want +got):\n%s", diff)
	}

	plugin := filepath.Join(dir, "kubectl-gitops_drift")
	if err := os.Symlink(bin, plugin); err != nil {
		t.Fatal(err)
	}
	help, err := exec.CommandContext(t.Context(), plugin, "--help").Output()
	if err != nil || !strings.Contains(string(help), "\n  kubectl gitops-drift (--manifests DIR | --git-url URL) [flags]\n") {
		t.Errorf("kubectl-gitops_drift --help (error %v) does not name kubectl gitops-drift:\n%s", err, help)
	}
}

// TestMakefileStampsFromGit checks the values `make build` stamps by default: `git describe
// --tags --always --dirty`, the commit's hash and the commit's date in UTC.
func TestMakefileStampsFromGit(t *testing.T) {
	makeBin, gitBin := lookPath(t, "make"), lookPath(t, "git")
	git := func(args ...string) string {
		out, err := exec.CommandContext(t.Context(), gitBin, args...).Output()
		if err != nil {
			t.Skipf("git %v: %v (not a Git checkout?)", args, err)
		}
		return strings.TrimSpace(string(out))
	}
	commit := git("rev-parse", "HEAD")
	when, err := time.Parse(time.RFC3339, git("log", "-1", "--format=%cI"))
	if err != nil {
		t.Fatal(err)
	}
	describe := git("describe", "--tags", "--always", "--dirty")
	out, err := exec.CommandContext(t.Context(), makeBin, "-s", "-n", "-C", "../..", "build", "BIN=/nowhere").Output()
	if err != nil {
		t.Fatalf("make -n build: %v", err)
	}
	want := "-X main.version=" + describe + " -X main.commit=" + commit + " -X main.date=" + when.UTC().Format(time.RFC3339)
	if !strings.Contains(string(out), want) {
		t.Errorf("make -n build:\n%s\nwant it to stamp %q", out, want)
	}
}

func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: %v", name, err)
	}
	return p
}
