package monitoring

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
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
	if binary, err = servetest.BuildInto(dir); err != nil {
		fmt.Fprintln(os.Stderr, "monitoring:", err)
		return 1
	}
	return kubeenv.Main(m, &env, kubeenv.Options{})
}
