package manifest

import (
	"bufio"
	"cmp"
	"slices"
)

// LoadYAML reads the manifests of one in-memory YAML stream, such as the output of a
// Kustomize build, with the same checks as Load: required fields, scopes and namespaces,
// duplicates. file names the stream in Object.File and in errors ("overlays/prod (kustomize
// build)"); lines are the stream's own.
//
// LoadYAML returns either a valid Set, with its warnings, or the errors.Join of every *Error
// found, never both.
func LoadYAML(file string, data []byte, opts Options) (*Set, error) {
	var c Collector
	warnings, err := LoadYAMLEach(file, data, opts, c.Add)
	return c.Set(warnings, err)
}

// LoadYAMLEach reads the manifests of one in-memory YAML stream as LoadYAML does, but hands
// each object to each as soon as its document is decoded and checked, in the stream's order,
// rather than keep them in a Set: see Each.
func LoadYAMLEach(file string, data []byte, opts Options, each Each) ([]Warning, error) {
	l := newLoader(opts, each)
	r := &reading{file: file, lines: bufio.NewReader(nil)}
	r.each = func(d document) {
		if len(r.errs) > 0 { // the load fails: hand on nothing more
			l.each = nil
		}
		l.addDocument(file, d)
	}
	r.readStream(data)
	// The stream's own problems come first, then its objects', as when the stream was decoded
	// whole before its objects were checked; errors then go top to bottom.
	l.errs = append(r.errs, l.errs...)
	l.warnings = append(r.warnings, l.warnings...)
	slices.SortStableFunc(l.errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	return l.result()
}
