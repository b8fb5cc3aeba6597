package monitoring

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
	// env is the API server of TestServeExportsEveryMetricUsed (nil under -short).
	env *kubeenv.Env
	// binary is the gitops-drift binary built for it.
	binary string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "gitops-drift-monitoring-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "monitoring:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "gitops-drift")
	build := exec.Command("go", "build", "-o", binary, "github.com/gitops-drift/gitops-drift/cmd/gitops-drift")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "monitoring: build gitops-drift:", err)
		return 1
	}
	return kubeenv.Main(m, &env, kubeenv.Options{})
}
