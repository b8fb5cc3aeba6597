package e2e

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
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
	workDir = dir
	if binary, err = servetest.BuildInto(dir); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	return kubeenv.Main(m, &env, kubeenv.Options{CRDDirectoryPaths: []string{"../../manifests/crds"}})
}
