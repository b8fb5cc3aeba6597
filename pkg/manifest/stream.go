package manifest

import (
	"bufio"
	"cmp"
	"errors"
	"slices"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// LoadYAML reads the manifests of one in-memory YAML stream, such as the output of a
// Kustomize build, with the same checks as Load: required fields, scopes and namespaces,
// duplicates. file names the stream in Object.File and in errors ("overlays/prod (kustomize
// build)"); lines are the stream's own.
//
// LoadYAML returns either a valid Set, with its warnings, or the errors.Join of every *Error
// found, never both.
func LoadYAML(file string, data []byte, opts Options) (*Set, error) {
	l := &loader{
		opts:   opts.withDefaults(),
		seen:   make(map[Key]Object),
		scopes: make(map[schema.GroupVersionKind]scopeAnswer),
	}
	r := readStream(bufio.NewReader(nil), file, data)
	l.errs = append(l.errs, r.errs...)
	l.warnings = append(l.warnings, r.warnings...)
	for _, d := range r.docs {
		l.addDocument(file, d)
	}
	if len(l.errs) == 0 {
		set := newSet(l.entries)
		set.warnings = l.warnings
		return set, nil
	}
	slices.SortStableFunc(l.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	joined := make([]error, len(l.errs))
	for i, e := range l.errs {
		joined[i] = e
	}
	return nil, errors.Join(joined...)
}
