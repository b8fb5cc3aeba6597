package manifest

import (
	"bufio"
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Options tune Load and LoadFS.
type Options struct {
	// Namespace is given to objects of namespaced kinds that have no metadata.namespace.
	// Defaults to "default", as kubectl does.
	Namespace string
	// Scope tells namespaced kinds from cluster-scoped ones. Defaults to BuiltinScope, which
	// suits offline use and tests; pass one backed by the API server's RESTMapper otherwise.
	Scope Scope
}

// withDefaults returns o with its defaults filled in.
func (o Options) withDefaults() Options {
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Scope == nil {
		o.Scope = BuiltinScope{}
	}
	return o
}

// Load reads the manifests in the directory dir and its subdirectories. File names, in Object.File
// and in errors, are prefixed with dir (filepath.Join(dir, name)), so that "manifests/app.yaml:12"
// can be opened from where the command ran.
//
// Load returns either a valid Set or the errors.Join of every *Error found, never both.
func Load(dir string, opts Options) (*Set, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, errors.Join(fileError(dir, err))
	}
	if !info.IsDir() {
		return nil, errors.Join(&Error{File: dir, Err: errors.New("not a directory")})
	}
	name := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	return load(os.DirFS(dir), opts, name)
}

// LoadFS reads the manifests in fsys, from its root down. File names, in Object.File and in
// errors, are the slash-separated paths within fsys.
//
// LoadFS returns either a valid Set or the errors.Join of every *Error found, never both.
func LoadFS(fsys fs.FS, opts Options) (*Set, error) {
	return load(fsys, opts, func(p string) string { return p })
}

// loader holds the state of one load.
type loader struct {
	opts     Options
	errs     []*Error
	warnings []Warning
	entries  []entry
	seen     map[Key]Object
	scopes   map[schema.GroupVersionKind]scopeAnswer
	// lines is the buffered reader that reading files uses, one for the load.
	lines *bufio.Reader
}

// scopeAnswer is a remembered answer of Options.Scope.
type scopeAnswer struct {
	namespaced bool
	err        error
}

func load(fsys fs.FS, opts Options, name func(string) string) (*Set, error) {
	l := &loader{
		opts:   opts.withDefaults(),
		seen:   make(map[Key]Object),
		scopes: make(map[schema.GroupVersionKind]scopeAnswer),
		lines:  bufio.NewReader(nil),
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			l.errs = append(l.errs, fileError(name(p), err))
		case d.IsDir() && p != "." && hidden(d.Name()):
			return fs.SkipDir
		case !d.IsDir() && isManifest(d.Name()):
			l.readFile(fsys, p, name(p))
		}
		return nil
	})
	if err != nil { // not expected: the walk function reports errors instead of returning them
		l.errs = append(l.errs, fileError(name("."), err))
	}
	if len(l.errs) > 0 {
		errs := make([]error, len(l.errs))
		for i, e := range l.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	set := newSet(l.entries)
	set.warnings = l.warnings
	return set, nil
}

// readFile loads the file at p in fsys, called file in messages.
func (l *loader) readFile(fsys fs.FS, p, file string) {
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.errs = append(l.errs, fileError(file, err))
		return
	}
	r := readFile(l.lines, file, data, strings.EqualFold(path.Ext(p), ".json"))
	start := len(l.errs)
	l.errs = append(l.errs, r.errs...)
	l.warnings = append(l.warnings, r.warnings...)
	for _, d := range r.docs {
		l.addDocument(file, d)
	}
	slices.SortStableFunc(l.errs[start:], func(a, b *Error) int { // a file's, top to bottom
		return cmp.Compare(a.Line, b.Line)
	})
}

// hidden reports whether a file or directory name starts with a dot.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// isManifest reports whether a file name is one Load reads.
func isManifest(name string) bool {
	if hidden(name) {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}
