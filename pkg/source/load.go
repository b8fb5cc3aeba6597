package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// Snapshot is one version of the desired state's files on disk: a local directory as it
// is now, or the checkout of a Git commit.
type Snapshot struct {
	// Root is the --manifests directory, or the root of a Git checkout.
	Root string
	// Path is the manifests' directory under Root, slash-separated; "." or "" for Root.
	Path string
	// Checkout is true when Root is a Git checkout: files are then named relative to it in
	// messages (deploy/app.yaml:12), and symbolic links may not leave it.
	Checkout bool
}

// Dir returns the manifests' directory.
func (s Snapshot) Dir() string {
	return filepath.Join(s.Root, filepath.FromSlash(s.Path))
}

// renderedSuffix names a Kustomize build's output in messages: lines are those of
// `kubectl kustomize DIR`.
const renderedSuffix = " (kustomize build)"

// Load reads the manifests of s. A directory with a kustomization file is rendered as
// `kubectl apply -k` renders it (see Kustomize); its objects are named "DIR (kustomize
// build)" in messages, with the line in `kubectl kustomize DIR`'s output. Any other directory
// is read as plain YAML (manifest.Load); a kustomization file below it is an error rather
// than a Kustomization object to check. Either way the objects get the same checks.
func Load(s Snapshot, opts manifest.Options) (*manifest.Set, error) {
	var c manifest.Collector
	warnings, err := LoadEach(s, opts, c.Add)
	return c.Set(warnings, err)
}

// LoadEach reads the manifests of s as Load does, but hands each object to each as soon as
// it is checked, in the order read, rather than keep them in a Set (see manifest.Each): it
// returns the load's warnings, or every problem.
func LoadEach(s Snapshot, opts manifest.Options, each manifest.Each) ([]manifest.Warning, error) {
	dir := s.Dir()
	if s.Checkout {
		if err := checkLinks(s.Root); err != nil {
			return nil, err
		}
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return nil, fmt.Errorf("%s: no such directory in the repository", repoPath(s.Path))
		}
	}
	if KustomizationFile(dir) != "" {
		out, err := Kustomize(dir)
		if err != nil {
			if s.Checkout {
				err = errors.New(strings.ReplaceAll(err.Error(), s.Root+string(filepath.Separator), ""))
			}
			return nil, err
		}
		return manifest.LoadYAMLEach(s.name(dir)+renderedSuffix, out, opts, each)
	}
	if err := noKustomizationBelow(dir, s.name); err != nil {
		return nil, err
	}
	if !s.Checkout {
		return manifest.LoadEach(dir, opts, each)
	}
	return manifest.LoadFSEach(subtree{fsys: os.DirFS(s.Root), dir: repoPath(s.Path)}, opts, each)
}

// name is how a path under s is named in messages: relative to a checkout's root.
func (s Snapshot) name(p string) string {
	if !s.Checkout {
		return p
	}
	rel, err := filepath.Rel(s.Root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}

// noKustomizationBelow refuses a plain directory that holds a kustomization in a
// subdirectory: it would otherwise be loaded as an object, or skipped, while the user meant
// it to be rendered.
func noKustomizationBelow(dir string, name func(string) string) error {
	var found []error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return nil // the loader reports unreadable files
		case p != dir && strings.HasPrefix(d.Name(), "."):
			if d.IsDir() {
				return fs.SkipDir
			}
		case d.IsDir() && p != dir:
			if f := KustomizationFile(p); f != "" {
				found = append(found, fmt.Errorf("%s: a kustomization inside a plain manifest directory: point --manifests or --git-path at its directory to render it", name(f)))
				return fs.SkipDir
			}
		}
		return nil
	})
	return errors.Join(append(found, err)...)
}

// checkLinks refuses symbolic links of a checkout that lead outside it: a repository must
// not make gitops-drift read (and quote in errors) files of the machine it runs on.
func checkLinks(root string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil // dangling: the loader reports it if it reads it
		}
		if rel, err := filepath.Rel(realRoot, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			name, _ := filepath.Rel(root, p)
			return fmt.Errorf("%s: symbolic link to a file outside the repository", filepath.ToSlash(name))
		}
		return nil
	})
}

// subtree is fsys reduced to the directory dir and the directories leading to it, so that
// manifest.LoadFS reads dir only while naming files from fsys's root.
type subtree struct {
	fsys fs.FS
	dir  string // slash-separated, "." for the whole of fsys
}

// Open opens name if it is dir, inside dir, or a directory on the way to it.
func (s subtree) Open(name string) (fs.File, error) {
	if !s.inside(name) && !s.leadsTo(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return s.fsys.Open(name)
}

// ReadDir lists name; on the way to dir, only the next directory towards it.
func (s subtree) ReadDir(name string) ([]fs.DirEntry, error) {
	if s.inside(name) {
		return fs.ReadDir(s.fsys, name)
	}
	if !s.leadsTo(name) {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	entries, err := fs.ReadDir(s.fsys, name)
	if err != nil {
		return nil, err
	}
	rest := strings.TrimPrefix(s.dir, name+"/")
	if name == "." {
		rest = s.dir
	}
	next, _, _ := strings.Cut(rest, "/")
	for _, e := range entries {
		if e.Name() == next {
			return []fs.DirEntry{e}, nil
		}
	}
	return nil, nil
}

func (s subtree) inside(name string) bool {
	return s.dir == "." || name == s.dir || strings.HasPrefix(name, s.dir+"/")
}

func (s subtree) leadsTo(name string) bool {
	return name == "." || strings.HasPrefix(s.dir, name+"/")
}
