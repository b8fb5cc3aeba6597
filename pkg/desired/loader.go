package desired

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
	"github.com/gitops-drift/gitops-drift/pkg/timing"
)

// LoaderOptions configure a Loader: which cluster the desired state is compiled against, and
// what the commands' flags say about it.
type LoaderOptions struct {
	// Client is the cluster the desired state is compared with: its RESTMapper tells the
	// manifests' kinds and scopes, its dynamic client reads the CRDs of custom resources.
	// Required.
	Client *cluster.Client
	// Schemas resolves each kind's list keys (client-go's built-in schema, the server's
	// OpenAPI v3 for the rest). Required.
	Schemas *schema.Resolver
	// Origin names the source in load errors ("load manifests from ORIGIN:"): the
	// --manifests directory, or the Git URL (without password) with @ref and //path.
	// Defaults to the snapshot's directory.
	Origin string
	// Namespace is given to namespaced objects that set none. Defaults to "default".
	Namespace string
	// Ignore are paths never counted as drift, for every object. Defaults to none.
	Ignore []diff.Path
	// ManualManagers are the field managers whose fields are hand edits: a live field one of
	// them owns that Git leaves out is drift. Defaults to none, which turns the search off;
	// check.DefaultManualManagers lists kubectl's in-place verbs.
	ManualManagers []string
	// OnLoad, if set, sees every state that loads, before Load returns it (so before a
	// Reloader puts it in force): serve gives it the process's Secret key there and checks the
	// webhook's registration against it. Defaults to nil.
	OnLoad func(context.Context, *check.Desired)
	// Read, if set, sees the manifests of every load as soon as they are read, before they
	// compile: the check's --once starts reading the live objects there, and they arrive
	// while the manifests compile. It must return at once. Defaults to nil.
	Read func(context.Context, *manifest.Set)
}

// Loader loads a snapshot of the manifests and compiles it against the cluster as it is at
// that moment. Its Load is the LoadFunc of a DirSource or a GitSource.
type Loader struct {
	opts LoaderOptions
}

// NewLoader returns a Loader with opts.
func NewLoader(opts LoaderOptions) *Loader {
	return &Loader{opts: opts}
}

// Load reads the manifests of s (plain YAML, or the kustomization it holds), gives namespaced
// objects without one the Namespace, and compiles them at revision: list keys from Schemas,
// custom resources normalised by their CRDs as the cluster has them now. It returns a
// complete desired state or an error naming every problem, never a partial state.
//
// Every load first forgets what Client and Schemas learned of the cluster's kinds and CRD
// schemas, so that a CRD installed or changed since the last load is seen, and discovers them
// again while the files are read (the files decode meanwhile; the first question about a
// kind's scope waits for it). The warnings of a set that loads are logged to the context's
// logger, once per load; then OnLoad sees the new state. At debug level, each phase logs its
// time (pkg/timing).
func (l *Loader) Load(ctx context.Context, s source.Snapshot, revision string) (*check.Desired, error) {
	o := l.opts
	o.Client.Reset()
	o.Schemas.Reset()
	go o.Client.Discover(ctx)
	start := time.Now()
	set, err := source.Load(s, manifest.Options{Namespace: o.Namespace, Scope: cluster.Scope{Mapper: o.Client.Mapper}})
	timing.Done(ctx, timing.Read, start)
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", l.origin(s), err)
	}
	if o.Read != nil {
		o.Read(ctx, set)
	}
	start = time.Now()
	norm, err := normalize.New(normalize.NewClusterCRDs(ctx, o.Client.Dynamic, o.Client.Mapper))
	if err != nil {
		return nil, err
	}
	d, err := check.Compiler{Schemas: o.Schemas, Normalizer: norm, Ignore: o.Ignore, Manual: o.ManualManagers}.Compile(set, revision)
	timing.Done(ctx, timing.Compile, start)
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", l.origin(s), err)
	}
	LogWarnings(logr.FromContextOrDiscard(ctx), d.Warnings)
	if o.OnLoad != nil {
		o.OnLoad(ctx, d)
	}
	return d, nil
}

// origin names the source of s in errors.
func (l *Loader) origin(s source.Snapshot) string {
	if l.opts.Origin != "" {
		return l.opts.Origin
	}
	return s.Dir()
}
