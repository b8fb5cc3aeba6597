package kubeenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// Version is the Kubernetes version whose binaries the Makefile builds.
const Version = "v1.37.2"

// BinDir returns the folder holding kube-apiserver, etcd and kubectl: $KUBEBUILDER_ASSETS when
// set, else the cache folder `make kube-bins` fills
// (${XDG_CACHE_HOME:-$HOME/.cache}/gitops-drift/k8s-<Version>).
func BinDir() (string, error) {
	if dir := os.Getenv("KUBEBUILDER_ASSETS"); dir != "" {
		return dir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find cache folder: %w", err)
	}
	return filepath.Join(cache, "gitops-drift", "k8s-"+Version), nil
}

// Env is a running API server.
type Env struct {
	// Config reaches the server as a cluster admin.
	Config *rest.Config
	// Kubeconfig is the path of an admin kubeconfig file for the server.
	Kubeconfig string
	// Kubectl is the path of the kubectl binary built with the server.
	Kubectl string

	env *envtest.Environment
	dir string
}

// Options configure Start.
type Options struct {
	// CRDDirectoryPaths are folders of CustomResourceDefinitions to install before Start returns.
	CRDDirectoryPaths []string
	// Output, when true, attaches the control plane's output to this process's stdout/stderr.
	Output bool
	// ServiceCIDR is the API server's --service-cluster-ip-range. Defaults to envtest's
	// 10.0.0.0/24: 254 ClusterIP Services at most.
	ServiceCIDR string
}

// Start starts etcd and kube-apiserver and waits until the server answers.
func Start(opts Options) (*Env, error) {
	bins, err := BinDir()
	if err != nil {
		return nil, err
	}
	for _, name := range []string{"kube-apiserver", "etcd", "kubectl"} {
		if _, err := os.Stat(filepath.Join(bins, name)); err != nil {
			return nil, fmt.Errorf("%s not found in %s (run `make kube-bins`): %w", name, bins, err)
		}
	}
	dir, err := os.MkdirTemp("", "gitops-drift-kube-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	te := &envtest.Environment{
		BinaryAssetsDirectory:    bins,
		CRDDirectoryPaths:        opts.CRDDirectoryPaths,
		ErrorIfCRDPathMissing:    true,
		AttachControlPlaneOutput: opts.Output,
		ControlPlaneStartTimeout: 60 * time.Second,
		ControlPlaneStopTimeout:  30 * time.Second,
	}
	if opts.ServiceCIDR != "" {
		te.ControlPlane.GetAPIServer().Configure().Set("service-cluster-ip-range", opts.ServiceCIDR)
	}
	cfg, err := te.Start()
	if err != nil {
		_ = te.Stop()
		return nil, errors.Join(fmt.Errorf("start API server: %w", err), os.RemoveAll(dir))
	}
	e := &Env{Config: cfg, Kubectl: filepath.Join(bins, "kubectl"), env: te, dir: dir}
	e.Kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(e.Kubeconfig, te.KubeConfig, 0o600); err != nil {
		return nil, errors.Join(fmt.Errorf("write kubeconfig: %w", err), e.Stop())
	}
	if err := waitForOpenAPI(cfg, te.CRDs); err != nil {
		return nil, errors.Join(err, e.Stop())
	}
	return e, nil
}

// waitForOpenAPI waits until the API server publishes the OpenAPI v3 document of every served
// version of crds. envtest waits for the CRDs to be served, but the server publishes their
// OpenAPI a moment later, and a test that resolves a custom kind's schema at once would find
// no document for its group.
func waitForOpenAPI(cfg *rest.Config, crds []*apiextensionsv1.CustomResourceDefinition) error {
	var want []string
	for _, crd := range crds {
		for _, v := range crd.Spec.Versions {
			if v.Served {
				want = append(want, "apis/"+crd.Spec.Group+"/"+v.Name)
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return fmt.Errorf("discovery client: %w", err)
	}
	var missing []string
	err = wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 60*time.Second, true, func(context.Context) (bool, error) {
		paths, err := dc.OpenAPIV3().Paths()
		if err != nil {
			return false, nil // the server may not answer yet: poll again
		}
		missing = missing[:0]
		for _, p := range want {
			if _, ok := paths[p]; !ok {
				missing = append(missing, p)
			}
		}
		return len(missing) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("wait for the OpenAPI v3 documents of %v: %w", missing, err)
	}
	return nil
}

// KubeconfigBytes returns the admin kubeconfig's contents.
func (e *Env) KubeconfigBytes() []byte { return e.env.KubeConfig }

// Stop stops the server and removes its files.
func (e *Env) Stop() error {
	return errors.Join(e.env.Stop(), os.RemoveAll(e.dir))
}
