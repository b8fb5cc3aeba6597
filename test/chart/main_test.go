package chart_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// env is the API server shared by this package's tests (nil under -short).
var env *kubeenv.Env

// crdPaths are the CustomResourceDefinitions the chart's objects need: cert-manager's, from
// the Go module cache (the main module requires cert-manager for its API types), and
// prometheus-operator's ServiceMonitor and PrometheusRule, from the kube-prometheus copy of
// test/corpus (test/corpus/SOURCES.md names its commit).
func crdPaths() ([]string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", "github.com/cert-manager/cert-manager").Output()
	var mod struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &mod)
	}
	if err != nil || mod.Dir == "" {
		return nil, fmt.Errorf("find cert-manager in the module cache: %v", err)
	}
	certManager := filepath.Join(mod.Dir, "deploy", "crds")
	setup := "../corpus/testdata/kube-prometheus/manifests/setup"
	return []string{
		filepath.Join(certManager, "cert-manager.io_issuers.yaml"),
		filepath.Join(certManager, "cert-manager.io_certificates.yaml"),
		filepath.Join(setup, "0servicemonitorCustomResourceDefinition.yaml"),
		filepath.Join(setup, "0prometheusruleCustomResourceDefinition.yaml"),
	}, nil
}

func TestMain(m *testing.M) {
	flag.Parse()
	opts := kubeenv.Options{}
	if !testing.Short() {
		paths, err := crdPaths()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		opts.CRDDirectoryPaths = paths
	}
	os.Exit(kubeenv.Main(m, &env, opts))
}
