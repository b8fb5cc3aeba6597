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
	var c Collector
	warnings, err := LoadEach(dir, opts, c.Add)
	return c.Set(warnings, err)
}

// LoadFS reads the manifests in fsys, from its root down. File names, in Object.File and in
// errors, are the slash-separated paths within fsys.
//
// LoadFS returns either a valid Set or the errors.Join of every *Error found, never both.
func LoadFS(fsys fs.FS, opts Options) (*Set, error) {
	var c Collector
	warnings, err := LoadFSEach(fsys, opts, c.Add)
	return c.Set(warnings, err)
}

// LoadEach reads the manifests in dir as Load does, but hands each object to each as soon as
// it is checked, in the order the files are read, rather than keep them in a Set: see Each.
func LoadEach(dir string, opts Options, each Each) ([]Warning, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, errors.Join(fileError(dir, err))
	}
	if !info.IsDir() {
		return nil, errors.Join(&Error{File: dir, Err: errors.New("not a directory")})
	}
	name := func(p string) string { return filepath.Join(dir, filepath.FromSlash(p)) }
	return load(os.DirFS(dir), name, newLoader(opts, each))
}

// LoadFSEach reads the manifests in fsys as LoadFS does, but hands each object to each as
// soon as it is checked, in the order the files are read, rather than keep them in a Set: see
// Each.
func LoadFSEach(fsys fs.FS, opts Options, each Each) ([]Warning, error) {
	return load(fsys, func(p string) string { return p }, newLoader(opts, each))
}

// loader holds the state of one load.
type loader struct {
	opts Options
	// each takes the objects; nil once the load is known to fail.
	each     Each
	errs     []*Error
	warnings []Warning
	seen     map[Key]place
	scopes   map[schema.GroupVersionKind]scopeAnswer
}

// place is where an object was defined: what a duplicate's error names. The loader keeps no
// more of the objects it handed on, so that their trees can go as soon as each is done.
type place struct {
	file string
	line int
}

// newLoader returns a loader that hands its objects to each.
func newLoader(opts Options, each Each) *loader {
	return &loader{
		opts:   opts.withDefaults(),
		each:   each,
		seen:   make(map[Key]place),
		scopes: make(map[schema.GroupVersionKind]scopeAnswer),
	}
}

// scopeAnswer is a remembered answer of Options.Scope.
type scopeAnswer struct {
	namespaced bool
	err        error
}

// result returns the load's warnings, or the errors.Join of its errors.
func (l *loader) result() ([]Warning, error) {
	if len(l.errs) > 0 {
		errs := make([]error, len(l.errs))
		for i, e := range l.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return l.warnings, nil
}

// load walks fsys, reads its manifest files (name names them in messages) and checks their
// objects with l, in file order.
func load(fsys fs.FS, name func(string) string, l *loader) ([]Warning, error) {
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
		fr := readings.take(i)
		l.addFile(st.file, fr)
	}
	return l.result()
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

// readAhead is how many files, per GOMAXPROCS, may be read and decoded ahead of the one whose
// objects are being checked and handed on: enough to keep the readers busy, few enough that
// the decoded trees waiting are a handful, not the whole set (see Each).
const readAhead = 4

// readings are the files of a load being read and decoded.
type readings struct {
	files []*fileReading // by step; nil once taken
	slots chan struct{}  // one per file read but not yet taken
}

// take waits for the reading of step i, a file, and returns it; the readings keep nothing of
// it, and the next file may be read.
func (rs *readings) take(i int) *fileReading {
	fr := rs.files[i]
	<-fr.done
	rs.files[i] = nil
	<-rs.slots
	return fr
}

// readFiles reads and decodes the files of steps on GOMAXPROCS goroutines, in order, and
// returns at once: take returns each. Decoding YAML is most of a load's time; the checks that
// follow (scopes, duplicates) stay in file order. The readers keep at most readAhead files
// per goroutine read and not yet taken; every file must be taken, in order.
func readFiles(fsys fs.FS, steps []step) *readings {
	procs := runtime.GOMAXPROCS(0)
	rs := &readings{files: make([]*fileReading, len(steps)), slots: make(chan struct{}, readAhead*procs)}
	var files []int
	for i, st := range steps {
		if st.err == nil {
			rs.files[i] = &fileReading{done: make(chan struct{})}
			files = append(files, i)
		}
	}
	var next atomic.Int64
	for range min(procs, len(files)) {
		go func() {
			lines := bufio.NewReader(nil) // kubectl's line reader, one per goroutine
			for {
				rs.slots <- struct{}{} // a slot for the next file, taken in order
				n := int(next.Add(1)) - 1
				if n >= len(files) {
					<-rs.slots
					return
				}
				fr := rs.files[files[n]]
				fr.r, fr.err = readOne(fsys, steps[files[n]], lines)
				close(fr.done)
			}
		}()
	}
	return rs
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
	for i, d := range r.docs {
		r.docs[i] = document{} // each object's tree goes once handed on
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
