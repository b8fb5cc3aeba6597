package desired

import (
	"context"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
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
	// Read, if set, sees what every load read as soon as every file is, before the last
	// objects compile: the check's --once starts reading the live objects there. It must
	// return at once. Defaults to nil.
	Read func(context.Context, Manifests)
	// ReadEach, if set, sees the identity of each object Manifests.Compared will hold (as it
	// gives them) as soon as the object is read, in the order read, before the set is known
	// whole: a reader of live objects may start on a kind and namespace there. It must
	// return at once. Defaults to nil.
	ReadEach func(context.Context, *unstructured.Unstructured)
}

// Manifests is what LoaderOptions.Read sees of a load's manifests: what reading the live
// objects needs, not the objects (they are compiled, and let go, as they are read).
type Manifests struct {
	// Len is how many objects the manifests define.
	Len int
	// Compared are the identities (apiVersion, kind, name and namespace, as
	// check.Target.Identity gives them) of the objects whose policy does not skip them, in the
	// order read. An object whose annotations do not parse is left out: its set does not
	// compile.
	Compared []*unstructured.Unstructured
}

// add counts obj, and keeps its identity if it is compared; it returns that identity, nil
// when obj is not compared.
func (m *Manifests) add(obj manifest.Object) *unstructured.Unstructured {
	m.Len++
	if !compared(obj.Obj) {
		return nil
	}
	md := map[string]any{"name": obj.Obj.GetName()}
	if ns := obj.Obj.GetNamespace(); ns != "" {
		md["namespace"] = ns
	}
	id := &unstructured.Unstructured{Object: map[string]any{"apiVersion": obj.Obj.GetAPIVersion(), "kind": obj.Obj.GetKind(), "metadata": md}}
	m.Compared = append(m.Compared, id)
	return id
}

// compared reports whether check.Run asks for the live copy of obj: its annotations parse
// and its policy does not skip it.
func compared(obj *unstructured.Unstructured) bool {
	p, err := policy.FromAnnotations(obj.GetAnnotations())
	return err == nil && !p.Skip
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
// Each object is compiled as soon as it is read and checked, while the next files are read
// (manifest.Each, check.Compilation), so that the decoded objects of the whole set are never
// held at once: that was a load's peak memory. A load that finds a problem in the files
// compiles nothing more and reports their problems only, as if nothing had compiled.
//
// Every load first forgets what Client and Schemas learned of the cluster's kinds and CRD
// schemas, so that a CRD installed or changed since the last load is seen, and discovers them
// again while the files are read (the files decode meanwhile; the first question about a
// kind's scope waits for it). The warnings of a set that loads are logged to the context's
// logger, once per load; then OnLoad sees the new state. At debug level, each phase logs its
// time (pkg/timing): read until every file is read (the objects compile meanwhile), then
// compile for the objects still compiling.
func (l *Loader) Load(ctx context.Context, s source.Snapshot, revision string) (*check.Desired, error) {
	o := l.opts
	o.Client.Reset()
	o.Schemas.Reset()
	go o.Client.Discover(ctx)
	norm, err := normalize.New(normalize.NewClusterCRDs(ctx, o.Client.Dynamic, o.Client.Mapper))
	if err != nil {
		return nil, err
	}
	comp, err := check.Compiler{Schemas: o.Schemas, Normalizer: norm, Ignore: o.Ignore, Manual: o.ManualManagers}.Start(revision)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	var read Manifests
	warnings, err := source.LoadEach(s, manifest.Options{Namespace: o.Namespace, Scope: cluster.Scope{Mapper: o.Client.Mapper}}, func(obj manifest.Object) {
		if o.Read != nil || o.ReadEach != nil {
			if id := read.add(obj); id != nil && o.ReadEach != nil {
				o.ReadEach(ctx, id)
			}
		}
		comp.Add(obj)
	})
	timing.Done(ctx, timing.Read, start)
	if err != nil {
		comp.Stop()
		return nil, fmt.Errorf("load manifests from %s:\n%w", l.origin(s), err)
	}
	if o.Read != nil {
		o.Read(ctx, read)
	}
	start = time.Now()
	d, err := comp.Done(warnings)
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
