package check

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
)

// SchemaSource returns the diff schema of a kind.
type SchemaSource interface {
	For(gvk schema.GroupVersionKind) (*diff.Schema, error)
}

// Target is one desired object, ready to diff: its policy parsed, its ignore paths (global
// and from its annotation) parsed, its schema resolved.
type Target struct {
	manifest.Object
	Key    manifest.Key
	Policy policy.Policy
	Ignore []diff.Path
	Schema *diff.Schema
	// SecretKey is the key of the hashes that stand for Secret values (diff.Options); see
	// SetSecretKey. Nil: Secret values show as <redacted>.
	SecretKey []byte
}

// Compare returns the drifted fields of live (a live object's content) against the target.
func (t *Target) Compare(live map[string]any) []diff.Field {
	return diff.Compare(t.Obj.Object, live, diff.Options{Schema: t.Schema, Ignore: t.Ignore, SecretKey: t.SecretKey})
}

// Desired is a compiled manifest set: every object of a Set as a Target, skipped ones
// included (callers check Policy.Skip). It is immutable once built: share it, and build a new
// one on reload.
type Desired struct {
	// Revision is the Git revision the manifests were read at.
	Revision string
	// Targets are in the Set's order (kind, namespace, name).
	Targets []Target
	index   map[manifest.Key]int
}

// Lookup returns the target with key k.
func (d *Desired) Lookup(k manifest.Key) (*Target, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return &d.Targets[i], true
}

// Compile builds the targets of set. Every problem (a bad annotation, an ignore path that does
// not parse, a kind without schema) is returned, joined and naming file and line; a set with
// any problem gives no Desired.
func Compile(set *manifest.Set, revision string, schemas SchemaSource, ignore []diff.Path) (*Desired, error) {
	d := &Desired{Revision: revision, index: make(map[manifest.Key]int, set.Len())}
	var errs []error
	for _, obj := range set.Objects() {
		t, err := compileTarget(obj, schemas, ignore)
		if err != nil {
			errs = append(errs, &manifest.Error{File: obj.File, Line: obj.Line, Err: err})
			continue
		}
		d.index[t.Key] = len(d.Targets)
		d.Targets = append(d.Targets, t)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

func compileTarget(obj manifest.Object, schemas SchemaSource, ignore []diff.Path) (Target, error) {
	key := obj.Key()
	pol, err := policy.FromAnnotations(obj.Obj.GetAnnotations())
	if err != nil {
		return Target{}, fmt.Errorf("%s: %w", key, err)
	}
	t := Target{Object: obj, Key: key, Policy: pol, Ignore: ignore}
	if len(pol.IgnoreFields) > 0 {
		t.Ignore = append([]diff.Path(nil), ignore...)
		for _, raw := range pol.IgnoreFields {
			p, err := diff.ParsePath(raw)
			if err != nil {
				return Target{}, fmt.Errorf("%s: annotation %s: %w", key, policy.AnnotationIgnoreFields, err)
			}
			t.Ignore = append(t.Ignore, p)
		}
	}
	if pol.Skip {
		return t, nil
	}
	if t.Schema, err = schemas.For(obj.Obj.GroupVersionKind()); err != nil {
		return Target{}, fmt.Errorf("%s: schema: %w", key, err)
	}
	return t, nil
}
