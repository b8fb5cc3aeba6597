package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

var (
	// env is the API server shared by the tests (nil under -short).
	env *kubeenv.Env
	// binary is the gitops-drift binary built for the tests.
	binary string
	// workDir holds the binary and the certificates; it is removed after the tests.
	workDir string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "gitops-drift-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	workDir, binary = dir, filepath.Join(dir, "gitops-drift")
	build := exec.Command("go", "build", "-o", binary, "github.com/gitops-drift/gitops-drift/cmd/gitops-drift")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build gitops-drift:", err)
		return 1
	}
	return kubeenv.Main(m, &env, kubeenv.Options{CRDDirectoryPaths: []string{"../../manifests/crds"}})
}
