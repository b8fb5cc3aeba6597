package check

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/packed"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// SchemaSource returns the diff schema of a kind.
type SchemaSource interface {
	For(gvk k8sschema.GroupVersionKind) (*diff.Schema, error)
}

// Target is one desired object, ready to diff: its policy parsed, its ignore paths (global
// and from its annotation) parsed, its schema resolved, and its normalised form computed. It
// holds the object once, in the form compared (Want), packed (package packed): bytes over the
// leaves and keys of the whole load, kept as maps only where read (see Want). What reports
// and writes need of Git's spelling is kept beside it, small (see Written, GitValue).
type Target struct {
	Key manifest.Key
	// GVK is the object's group, version and kind, as Git writes them.
	GVK k8sschema.GroupVersionKind
	// File and Line are where Git defines the object.
	File string
	Line int
	// Policy is what the object's annotations ask of gitops-drift.
	Policy policy.Policy
	Ignore []diff.Path
	Schema *diff.Schema
	// want is the object as the API server stores it (see pkg/normalize), packed: see Want.
	want packed.Tree
	// StringData are the keys, sorted, of a Secret's data that Git spells under stringData
	// (normalize.Result.StringData). Want has them under data, as the API server stores them,
	// and Ignore names them there; Compare compares them and looks up their owners there, and
	// reports them as stringData.K, as Git spells them.
	StringData []string
	// Owned are the paths a controller fills by design (schema.ControllerOwned): never drift,
	// never written by remediation.
	Owned []diff.Path
	// SecretKey is the key of the hashes that stand for Secret values (diff.Options); see
	// SetSecretKey. Nil: Secret values show as <redacted>.
	SecretKey []byte
	// spelling is what Git writes otherwise than Want has it; nil when nothing.
	spelling *spelling
	// manual are the hand-edit managers (Compiler.Manual), shared by the targets of a Desired.
	manual map[string]bool
	// defaults is Want with the API server's defaults; nil: Want.
	defaults *defaults
	// trees are the Wants of the Desired the target is part of as maps (see Want), and index
	// the target's place in its Targets; nil for a Target not made by Compile.
	trees *trees
	index int
}

// APIVersion returns the object's apiVersion, as Git writes it ("v1", "apps/v1").
func (t *Target) APIVersion() string { return t.GVK.GroupVersion().String() }

// Identity returns a new object that holds only the target's apiVersion, kind, name and
// namespace: what a LiveSource needs to find its live copy.
func (t *Target) Identity() *unstructured.Unstructured {
	md := map[string]any{"name": t.Key.Name}
	if t.Key.Namespace != "" {
		md["namespace"] = t.Key.Namespace
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": t.APIVersion(), "kind": t.GVK.Kind, "metadata": md}}
}

// compareGit returns the fields Git sets that live (a live object's content) has otherwise,
// and, from the same walk, what live may add at the paths of extra (see diff.CompareExtra);
// want is the target's Want.
func (t *Target) compareGit(want, live map[string]any, extra *diff.PathSet) ([]diff.Field, []diff.Extra) {
	fields, extras := diff.CompareExtra(want, live, diff.Options{Schema: t.Schema, Ignore: t.Ignore, SecretKey: t.SecretKey}, extra)
	if t.spelling != nil && !t.isSecret() { // a Secret's values are masked
		for i := range fields {
			fields[i].Desired = t.asWritten(want, fields[i])
		}
	}
	return fields, extras
}

// isSecret reports whether the target is a Secret (diff.IsSecret).
func (t *Target) isSecret() bool { return diff.IsSecret(t.APIVersion(), t.Key.Kind) }

// Desired is a compiled manifest set: every object of a Set as a Target, skipped ones
// included (callers check Policy.Skip). Its targets' Want are packed over one table of the
// load's leaves and keys (package packed), which they keep alive, and kept as maps where read
// lately (Target.Want). What it holds does not change once built: share it, from any
// goroutine, and build a new one on reload.
type Desired struct {
	// Revision is the Git revision the manifests were read at.
	Revision string
	// Targets are in the Set's order (manifest.CompareKeys), which
	// Lookup searches: do not reorder them.
	Targets []Target
	// Warnings are what the load and the compilation found that did not stop them, in the
	// Set's order: fields the API server drops, for one.
	Warnings []manifest.Warning
	// trees are the targets' Wants read lately, as maps (see Target.Want).
	trees *trees
}

// Lookup returns the target with key k. It searches Targets, which are in order, by halves:
// no index is kept beside them (a map of 10,000 keys held 1.2 MB for as long as the state is
// in force), and a look-up of 10,000 targets compares a few dozen strings.
func (d *Desired) Lookup(k manifest.Key) (*Target, bool) {
	i, ok := slices.BinarySearchFunc(d.Targets, k, func(t Target, k manifest.Key) int { return manifest.CompareKeys(t.Key, k) })
	if !ok {
		return nil, false
	}
	return &d.Targets[i], true
}

// Normalizer gives a desired object the form the API server stores it in; pkg/normalize
// provides it.
type Normalizer interface {
	Normalize(obj *unstructured.Unstructured) (normalize.Result, error)
}

// Defaulter gives a normalised object the values the API server fills in by default;
// pkg/normalize's Normalizer is one. A Normalizer that is not a Defaulter leaves hand-edited
// defaults unseen (a hand edit of a field Git leaves out is then reported as added).
type Defaulter interface {
	Defaulted(want map[string]any, gvk k8sschema.GroupVersionKind) (map[string]any, error)
}

// Compiler compiles manifest sets into Desired states.
type Compiler struct {
	// Schemas resolves the diff schema of each kind. Required.
	Schemas SchemaSource
	// Normalizer normalises each desired object. Defaults to normalize.New(nil): built-in
	// kinds by their Go types, custom resources as sent.
	Normalizer Normalizer
	// Ignore are paths never reported, for every object. Defaults to none.
	Ignore []diff.Path
	// Manual are the field managers whose fields are hand edits: a live field one of them
	// owns that Git leaves out is drift (see Target.Compare). Defaults to none, which turns
	// the search off; DefaultManualManagers lists kubectl's in-place verbs.
	Manual []string
	// unshared packs each target's Want with a table of its own, its leaves and keys held once
	// per object rather than once per load, and leaves the defaulted copies' equal parts
	// unshared (see targets, and defaults): what the benchmarks compare with.
	unshared bool
}

// Compile builds the targets of set with schemas and the global ignore paths, normalising
// custom resources as sent; see Compiler.Compile.
func Compile(set *manifest.Set, revision string, schemas SchemaSource, ignore []diff.Path) (*Desired, error) {
	return Compiler{Schemas: schemas, Ignore: ignore}.Compile(set, revision)
}

// Compile builds the targets of set. Every problem (a bad annotation, an ignore path that does
// not parse, a kind without schema, an object its kind's schema refuses) is returned, joined
// and naming file and line; a set with any problem gives no Desired. Compile never changes
// set. It is a Compilation given the objects of set in order; a load that compiles its
// objects as it reads them (as desired.Loader) uses a Compilation itself, so that the
// decoded objects of a whole set are never held at once.
func (c Compiler) Compile(set *manifest.Set, revision string) (*Desired, error) {
	comp, err := c.start(revision, set.Len())
	if err != nil {
		return nil, err
	}
	objs := set.Objects()
	for i := range objs {
		comp.Add(objs[i])
		objs[i].Obj = nil // a caller that keeps no other reference to set lets the tree go
	}
	return comp.Done(set.Warnings())
}

// target compiles one object, and returns its Want, to pack, beside it.
func (c Compiler) target(obj manifest.Object) (Target, map[string]any, []manifest.Warning, error) {
	key := obj.Key()
	pol, err := policy.FromAnnotations(obj.Obj.GetAnnotations())
	if err != nil {
		return Target{}, nil, nil, fmt.Errorf("%s: %w", key, err)
	}
	t := Target{Key: key, GVK: obj.Obj.GroupVersionKind(), File: obj.File, Line: obj.Line, Policy: pol, Ignore: c.Ignore}
	if err := t.parseIgnore(); err != nil {
		return Target{}, nil, nil, err
	}
	if pol.Skip {
		return t, nil, nil, nil
	}
	if t.Schema, err = c.Schemas.For(t.GVK); err != nil {
		return Target{}, nil, nil, fmt.Errorf("%s: schema: %w", key, err)
	}
	res, err := c.Normalizer.Normalize(obj.Obj)
	if err != nil {
		return Target{}, nil, nil, fmt.Errorf("%s: %w", key, err)
	}
	want := res.Object
	t.StringData = res.StringData
	t.spelling = spellingOf(obj.Obj.Object, want, t.Schema, t.StringData)
	t.Ignore = storedIgnore(t.Ignore, t.StringData)
	if def, ok := c.Normalizer.(Defaulter); ok {
		t.defaults = &defaults{by: def, unshared: c.unshared}
	}
	if t.Owned = schema.ControllerOwned(want); len(t.Owned) > 0 {
		t.Ignore = append(slices.Clip(t.Ignore), t.Owned...)
	}
	var warnings []manifest.Warning
	for _, f := range res.Dropped {
		warnings = append(warnings, manifest.Warning{File: obj.File, Line: obj.Line,
			Message: fmt.Sprintf("%s: field %s is not in the %s schema: the API server drops it (kubectl apply refuses it), so it is never compared", key, f, key.Kind)})
	}
	return t, want, warnings, nil
}

// parseIgnore adds the paths of the object's ignore-fields annotation to t.Ignore.
func (t *Target) parseIgnore() error {
	if len(t.Policy.IgnoreFields) == 0 {
		return nil
	}
	t.Ignore = slices.Clone(t.Ignore)
	for _, raw := range t.Policy.IgnoreFields {
		p, err := diff.ParsePath(raw)
		if err != nil {
			return fmt.Errorf("%s: annotation %s: %w", t.Key, policy.AnnotationIgnoreFields, err)
		}
		t.Ignore = append(t.Ignore, p)
	}
	return nil
}
