package cluster

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

// Config returns the REST config for kubeconfig (a path; empty means $KUBECONFIG, then
// ~/.kube/config, then the in-cluster ServiceAccount) and context (empty: the current one).
func Config(kubeconfig, context string) (*rest.Config, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: context}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	cfg.QPS, cfg.Burst = 50, 100
	cfg.UserAgent = "gitops-drift"
	return cfg, nil
}

// Client bundles what the drift check needs from one API server.
type Client struct {
	Dynamic   dynamic.Interface
	Discovery discovery.DiscoveryInterface
	// Mapper maps kinds to resources. New makes it a *Mapper, which notices kinds served
	// since it was filled; Reset forgets what it knows.
	Mapper meta.RESTMapper

	// config is the REST config New connected with: a Reader's protobuf requests use it. Nil
	// for a Client made otherwise, whose Readers read JSON only.
	config *rest.Config
	// server is the server's version as New read it; nil when unknown.
	server *version.Version
}

// Reset forgets the cached discovery (kinds, versions, scopes) so that the next mapping asks
// the server again. The CLI and serve call it at every reload of the manifests, so that CRDs
// installed, changed or removed since the last load are seen.
func (c *Client) Reset() {
	if r, ok := c.Mapper.(meta.ResettableRESTMapper); ok {
		r.Reset()
	}
}

// Discover fills the Mapper's discovery now, if it has nothing cached, so that the mappings
// that follow do not wait for it: the loader runs it while the manifest files are read. A
// failure is left for those mappings to report.
func (c *Client) Discover(ctx context.Context) {
	m, ok := c.Mapper.(*Mapper)
	if !ok {
		return
	}
	defer timing.Done(ctx, timing.Discovery, time.Now())
	m.fill(ctx)
}

// New connects to the API server of cfg. It makes one discovery call so that an unreachable
// server is reported here, before anything else happens.
func New(cfg *rest.Config) (*Client, error) {
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("discovery client: %w", err)
	}
	info, err := dc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("cluster unreachable at %s: %w", cfg.Host, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("dynamic client: %w", err)
	}
	c := &Client{Dynamic: dyn, Discovery: dc, Mapper: NewMapper(dc), config: rest.CopyConfig(cfg)}
	if v, err := version.ParseGeneric(info.GitVersion); err == nil {
		c.server = v
	}
	return c, nil
}
