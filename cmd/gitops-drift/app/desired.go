package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// DesiredOptions say where the desired state comes from and which cluster it is compared
// with. The check and serve share them.
type DesiredOptions struct {
	// Manifests is the directory of desired-state YAML, or of a kustomization. Either it or
	// Git.URL is required.
	Manifests string
	// Git is the Git repository the desired state is read from instead (--git-*).
	Git GitOptions
	// Namespace is given to namespaced objects without one. Defaults to "default".
	Namespace string
	// Kubeconfig is the kubeconfig path; empty means $KUBECONFIG, ~/.kube/config, in-cluster.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// IgnoreFields are paths never counted as drift, for every resource.
	IgnoreFields []string
	// ManualManagers are the field managers whose fields are hand edits: a live field one of
	// them owns that Git leaves out is drift. Defaults to check.DefaultManualManagers (kubectl's
	// in-place verbs); empty turns the search off.
	ManualManagers []string
}

// NewDesiredOptions returns the options with their defaults.
func NewDesiredOptions() DesiredOptions {
	return DesiredOptions{Namespace: "default", Git: NewGitOptions(), ManualManagers: check.DefaultManualManagers()}
}

// BindFlags registers the options' flags on fs; manifests is the usage of --manifests.
func (o *DesiredOptions) BindFlags(fs *pflag.FlagSet, manifests string) {
	fs.StringVar(&o.Manifests, "manifests", o.Manifests, manifests)
	o.Git.BindFlags(fs)
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "namespace for namespaced objects that set none")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	fs.StringVar(&o.Context, "context", o.Context, "kubeconfig context (default: the current context)")
	fs.StringArrayVar(&o.IgnoreFields, "ignore-fields", o.IgnoreFields, "comma-separated field paths never counted as drift, e.g. spec.replicas,spec.template.spec.containers[*].image (repeatable)")
	fs.StringSliceVar(&o.ManualManagers, "manual-managers", o.ManualManagers, "field managers whose fields are hand edits: a live field they own that Git leaves out is drift (\"\" turns this off)")
}

// Validate reports a missing (or doubled) source of the desired state, Git options that
// cannot work and ignore paths that do not parse.
func (o *DesiredOptions) Validate() error {
	var errs []error
	switch {
	case o.Manifests == "" && o.Git.URL == "":
		errs = append(errs, errors.New("--manifests or --git-url is required"))
	case o.Manifests != "" && o.Git.URL != "":
		errs = append(errs, errors.New("--manifests and --git-url cannot be combined: the desired state comes from one of them"))
	}
	if err := o.Git.Validate(); err != nil {
		errs = append(errs, err)
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

// where names the desired state's source in messages.
func (o *DesiredOptions) where() string {
	if o.Git.URL != "" {
		return o.Git.where()
	}
	return o.Manifests
}

// loader returns the desired-state pipeline's Loader as the flags configure it: compiled
// against client and schemas, with --namespace, --ignore-fields and --manual-managers; onLoad
// (if not nil) sees every state that loads. The check (once and loop) and serve use it.
func (o *DesiredOptions) loader(client *cluster.Client, schemas *schema.Resolver, onLoad func(context.Context, *check.Desired)) (*desired.Loader, error) {
	opts, err := o.loaderOptions(client, schemas, onLoad)
	if err != nil {
		return nil, err
	}
	return desired.NewLoader(opts), nil
}

// loaderOptions returns the options of loader's Loader, for a caller that adds to them.
func (o *DesiredOptions) loaderOptions(client *cluster.Client, schemas *schema.Resolver, onLoad func(context.Context, *check.Desired)) (desired.LoaderOptions, error) {
	ignore, err := o.Ignore()
	if err != nil {
		return desired.LoaderOptions{}, err
	}
	return desired.LoaderOptions{
		Client:         client,
		Schemas:        schemas,
		Origin:         o.where(),
		Namespace:      o.Namespace,
		Ignore:         ignore,
		ManualManagers: o.ManualManagers,
		OnLoad:         onLoad,
	}, nil
}

// source returns where the desired state comes from: the Git repository, or the
// --manifests directory, loaded by loader's Loader.
func (o *DesiredOptions) source(client *cluster.Client, schemas *schema.Resolver, onLoad func(context.Context, *check.Desired)) (desired.Source, error) {
	l, err := o.loader(client, schemas, onLoad)
	if err != nil {
		return nil, err
	}
	return o.sourceOf(l)
}

// sourceOf returns where the desired state comes from, loaded by l.
func (o *DesiredOptions) sourceOf(l *desired.Loader) (desired.Source, error) {
	if o.Git.URL == "" {
		return o.dir(l), nil
	}
	g, err := o.Git.Source()
	if err != nil {
		return nil, err
	}
	return &desired.GitSource{Git: g, Loader: l.Load}, nil
}

// dir returns the --manifests directory as a source loaded by l.
func (o *DesiredOptions) dir(l *desired.Loader) *desired.DirSource {
	return &desired.DirSource{Dir: o.Manifests, Loader: l.Load}
}
