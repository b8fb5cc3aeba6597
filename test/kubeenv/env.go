package kubeenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

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
	return e, nil
}

// KubeconfigBytes returns the admin kubeconfig's contents.
func (e *Env) KubeconfigBytes() []byte { return e.env.KubeConfig }

// Stop stops the server and removes its files.
func (e *Env) Stop() error {
	return errors.Join(e.env.Stop(), os.RemoveAll(e.dir))
}
