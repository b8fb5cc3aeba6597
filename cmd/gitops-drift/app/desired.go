package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// DesiredOptions say where the desired state comes from and which cluster it is compared
// with. The check and serve share them.
type DesiredOptions struct {
	// Manifests is the directory of desired-state YAML. Required.
	Manifests string
	// Namespace is given to namespaced objects without one. Defaults to "default".
	Namespace string
	// Kubeconfig is the kubeconfig path; empty means $KUBECONFIG, ~/.kube/config, in-cluster.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// IgnoreFields are paths never counted as drift, for every resource.
	IgnoreFields []string
}

// NewDesiredOptions returns the options with their defaults.
func NewDesiredOptions() DesiredOptions {
	return DesiredOptions{Namespace: "default"}
}

// BindFlags registers the options' flags on fs; manifests is the usage of --manifests.
func (o *DesiredOptions) BindFlags(fs *pflag.FlagSet, manifests string) {
	fs.StringVar(&o.Manifests, "manifests", o.Manifests, manifests)
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "namespace for namespaced objects that set none")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	fs.StringVar(&o.Context, "context", o.Context, "kubeconfig context (default: the current context)")
	fs.StringArrayVar(&o.IgnoreFields, "ignore-fields", o.IgnoreFields, "comma-separated field paths never counted as drift, e.g. spec.replicas,spec.template.spec.containers[*].image (repeatable)")
}

// Validate reports a missing --manifests and ignore paths that do not parse.
func (o *DesiredOptions) Validate() error {
	var errs []error
	if o.Manifests == "" {
		errs = append(errs, errors.New("--manifests is required"))
	}
	if _, err := o.Ignore(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Ignore returns the parsed --ignore-fields. Commas inside [...] belong to a path
// (spec.ports[port=80,protocol=TCP]), which is why the flag is not split by pflag.
func (o *DesiredOptions) Ignore() ([]diff.Path, error) {
	p, err := diff.ParsePaths(strings.Join(o.IgnoreFields, ","))
	if err != nil {
		return nil, fmt.Errorf("--ignore-fields: %w", err)
	}
	return p, nil
}

// Config returns the REST config of the cluster the options name.
func (o *DesiredOptions) Config() (*rest.Config, error) {
	return cluster.Config(o.Kubeconfig, o.Context)
}

// load reads the manifests, defaulting namespaced objects to Namespace, and compiles them
// against the cluster's kinds and schemas, normalising custom resources by their CRDs as the
// cluster has them now. It returns a complete desired state or an error naming every problem,
// never a partial state. The check (once and loop) and serve use it.
//
// Every load first forgets what client and schemas learned of the cluster's kinds and CRD
// schemas, so that a CRD installed or changed since the last load is seen. The warnings of
// a set that loads are logged to log, once per load; ctx bounds the CRD reads.
func (o *DesiredOptions) load(ctx context.Context, log logr.Logger, client *cluster.Client, schemas *schema.Resolver) (*check.Desired, error) {
	ignore, err := o.Ignore()
	if err != nil {
		return nil, err
	}
	client.Reset()
	schemas.Reset()
	set, err := manifest.Load(o.Manifests, manifest.Options{
		Namespace: o.Namespace,
		Scope:     cluster.Scope{Mapper: client.Mapper},
	})
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", o.Manifests, err)
	}
	rev, err := source.Revision(o.Manifests)
	if err != nil {
		return nil, fmt.Errorf("read Git revision of %s: %w", o.Manifests, err)
	}
	norm, err := normalize.New(normalize.NewClusterCRDs(ctx, client.Dynamic, client.Mapper))
	if err != nil {
		return nil, err
	}
	d, err := check.Compiler{Schemas: schemas, Normalizer: norm, Ignore: ignore}.Compile(set, rev)
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", o.Manifests, err)
	}
	logWarnings(log, d.Warnings)
	return d, nil
}
