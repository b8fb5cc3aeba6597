package check

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// SchemaSource returns the diff schema of a kind.
type SchemaSource interface {
	For(gvk k8sschema.GroupVersionKind) (*diff.Schema, error)
}

// Target is one desired object, ready to diff: its policy parsed, its ignore paths (global
// and from its annotation) parsed, its schema resolved, and its normalised form computed.
type Target struct {
	manifest.Object
	Key    manifest.Key
	Policy policy.Policy
	Ignore []diff.Path
	Schema *diff.Schema
	// Want is the object as the API server stores it (see pkg/normalize): what live is
	// compared with. Obj stays as Git has it, for writing. Compile sets it for every target
	// that is not skipped; when it is nil, Compare uses Obj as it is.
	Want map[string]any
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
	// manual are the hand-edit managers (Compiler.Manual), shared by the targets of a Desired.
	manual map[string]bool
	// defaults is Want with the API server's defaults; nil: Want.
	defaults *defaults
}

// compareGit returns the fields Git sets that live (a live object's content) has otherwise.
func (t *Target) compareGit(live map[string]any) []diff.Field {
	if t.Want == nil {
		return diff.Compare(t.Obj.Object, live, diff.Options{Schema: t.Schema, Ignore: t.Ignore, SecretKey: t.SecretKey})
	}
	fields := diff.Compare(t.Want, live, diff.Options{Schema: t.Schema, Ignore: t.Ignore, SecretKey: t.SecretKey})
	if !diff.IsSecret(t.Obj.GetAPIVersion(), t.Key.Kind) { // a Secret's values are masked
		for i := range fields {
			fields[i].Desired = t.asWritten(fields[i])
		}
	}
	return fields
}

// asWritten returns the desired value of a drifted quantity as Git writes it ("0.5" rather
// than the "500m" the comparison used), so that a reader finds it in Git. Other values keep the
// normalised form (a line-wrapped base64 value is shown unwrapped).
func (t *Target) asWritten(f diff.Field) any {
	if _, ok := f.Desired.(string); !ok {
		return f.Desired
	}
	p, err := diff.ParsePath(f.Path)
	if err != nil || !t.Schema.At(p).IsQuantity() {
		return f.Desired
	}
	if v, ok := diff.Get(t.Obj.Object, p, t.Schema); ok && v != nil {
		return v
	}
	return f.Desired
}

// Desired is a compiled manifest set: every object of a Set as a Target, skipped ones
// included (callers check Policy.Skip). It is immutable once built: share it, and build a new
// one on reload.
type Desired struct {
	// Revision is the Git revision the manifests were read at.
	Revision string
	// Targets are in the Set's order (kind, namespace, name).
	Targets []Target
	// Warnings are what the load and the compilation found that did not stop them, in the
	// Set's order: fields the API server drops, for one.
	Warnings []manifest.Warning
	index    map[manifest.Key]int
}

// Lookup returns the target with key k.
func (d *Desired) Lookup(k manifest.Key) (*Target, bool) {
	i, ok := d.index[k]
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
}

// Compile builds the targets of set with schemas and the global ignore paths, normalising
// custom resources as sent; see Compiler.Compile.
func Compile(set *manifest.Set, revision string, schemas SchemaSource, ignore []diff.Path) (*Desired, error) {
	return Compiler{Schemas: schemas, Ignore: ignore}.Compile(set, revision)
}

// Compile builds the targets of set. Every problem (a bad annotation, an ignore path that does
// not parse, a kind without schema, an object its kind's schema refuses) is returned, joined
// and naming file and line; a set with any problem gives no Desired.
func (c Compiler) Compile(set *manifest.Set, revision string) (*Desired, error) {
	if c.Normalizer == nil {
		n, err := normalize.New(nil)
		if err != nil {
			return nil, err
		}
		c.Normalizer = n
	}
	d := &Desired{Revision: revision, Warnings: set.Warnings(), index: make(map[manifest.Key]int, set.Len())}
	var manual map[string]bool
	for _, m := range c.Manual {
		if m != "" {
			if manual == nil {
				manual = make(map[string]bool, len(c.Manual))
			}
			manual[m] = true
		}
	}
	var errs []error
	objs := set.Objects()
	compiled := c.targets(objs)
	for i, obj := range objs {
		t, warnings, err := compiled[i].t, compiled[i].warnings, compiled[i].err
		t.manual = manual
		if err != nil {
			errs = append(errs, &manifest.Error{File: obj.File, Line: obj.Line, Err: err})
			continue
		}
		d.Warnings = append(d.Warnings, warnings...)
		d.index[t.Key] = len(d.Targets)
		d.Targets = append(d.Targets, t)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// compiled is the outcome of target for one object.
type compiled struct {
	t        Target
	warnings []manifest.Warning
	err      error
}

// targets compiles objs, each by target, on GOMAXPROCS goroutines (normalising is most of a
// compile's time), and returns the outcomes in the order of objs.
func (c Compiler) targets(objs []manifest.Object) []compiled {
	out := make([]compiled, len(objs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(objs)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(objs); i = int(next.Add(1)) - 1 {
				out[i].t, out[i].warnings, out[i].err = c.target(objs[i])
			}
		})
	}
	wg.Wait()
	return out
}

// target compiles one object.
func (c Compiler) target(obj manifest.Object) (Target, []manifest.Warning, error) {
	key := obj.Key()
	pol, err := policy.FromAnnotations(obj.Obj.GetAnnotations())
	if err != nil {
		return Target{}, nil, fmt.Errorf("%s: %w", key, err)
	}
	t := Target{Object: obj, Key: key, Policy: pol, Ignore: c.Ignore}
	if err := t.parseIgnore(); err != nil {
		return Target{}, nil, err
	}
	if pol.Skip {
		return t, nil, nil
	}
	if t.Schema, err = c.Schemas.For(obj.Obj.GroupVersionKind()); err != nil {
		return Target{}, nil, fmt.Errorf("%s: schema: %w", key, err)
	}
	res, err := c.Normalizer.Normalize(obj.Obj)
	if err != nil {
		return Target{}, nil, fmt.Errorf("%s: %w", key, err)
	}
	t.Want, t.StringData = res.Object, res.StringData
	t.Ignore = storedIgnore(t.Ignore, t.StringData)
	if def, ok := c.Normalizer.(Defaulter); ok {
		want, gvk := t.Want, obj.Obj.GroupVersionKind()
		t.defaults = &defaults{fn: func() (map[string]any, error) { return def.Defaulted(want, gvk) }}
	}
	if t.Owned = schema.ControllerOwned(t.Want); len(t.Owned) > 0 {
		t.Ignore = append(slices.Clip(t.Ignore), t.Owned...)
	}
	var warnings []manifest.Warning
	for _, f := range res.Dropped {
		warnings = append(warnings, manifest.Warning{File: obj.File, Line: obj.Line,
			Message: fmt.Sprintf("%s: field %s is not in the %s schema: the API server drops it (kubectl apply refuses it), so it is never compared", key, f, key.Kind)})
	}
	return t, warnings, nil
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
