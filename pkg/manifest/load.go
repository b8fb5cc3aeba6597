package manifest

import (
	"bufio"
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

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
	}
	var steps []step
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			steps = append(steps, step{err: fileError(name(p), err)})
		case d.IsDir() && p != "." && hidden(d.Name()):
			return fs.SkipDir
		case !d.IsDir() && isManifest(d.Name()):
			steps = append(steps, step{path: p, file: name(p)})
		}
		return nil
	})
	if err != nil { // not expected: the walk function reports errors instead of returning them
		steps = append(steps, step{err: fileError(name("."), err)})
	}
	readings := readFiles(fsys, steps)
	for i, st := range steps {
		if st.err != nil {
			l.errs = append(l.errs, st.err)
			continue
		}
		<-readings[i].done
		l.addFile(st.file, readings[i])
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

// step is what the walk found, in its order: a file to read, or an error.
type step struct {
	path, file string // the path in the FS, and the name in messages
	err        *Error
}

// fileReading is a file read and decoded, or the error reading it, once done is closed.
type fileReading struct {
	done chan struct{}
	r    *reading
	err  *Error
}

// readFiles reads and decodes the files of steps on GOMAXPROCS goroutines, in order, and
// returns at once: the reading of file i is ready when its done is closed. Decoding YAML is
// most of a load's time; the checks that follow (scopes, duplicates) stay in file order.
func readFiles(fsys fs.FS, steps []step) []*fileReading {
	out := make([]*fileReading, len(steps))
	var files []int
	for i, st := range steps {
		out[i] = &fileReading{done: make(chan struct{})}
		if st.err == nil {
			files = append(files, i)
		}
	}
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		go func() {
			lines := bufio.NewReader(nil) // kubectl's line reader, one per goroutine
			for n := int(next.Add(1)) - 1; n < len(files); n = int(next.Add(1)) - 1 {
				i := files[n]
				out[i].r, out[i].err = readOne(fsys, steps[i], lines)
				close(out[i].done)
			}
		}()
	}
	return out
}

// readOne reads and decodes the file of st with lines.
func readOne(fsys fs.FS, st step, lines *bufio.Reader) (*reading, *Error) {
	data, err := fs.ReadFile(fsys, st.path)
	if err != nil {
		return nil, fileError(st.file, err)
	}
	return readFile(lines, st.file, data, strings.EqualFold(path.Ext(st.path), ".json")), nil
}

// addFile adds what reading file gave: its errors and warnings, and its documents' objects.
func (l *loader) addFile(file string, fr *fileReading) {
	if fr.err != nil {
		l.errs = append(l.errs, fr.err)
		return
	}
	r := fr.r
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
