package desired

import (
	"encoding/binary"
	"errors"
	"hash"
	"hash/fnv"
	"io/fs"
	"os"
	"slices"
	"strings"
	"unsafe"
)

// fingerprint hashes the names, sizes, modes and modification times of the files under dir,
// following symbolic links (a mounted ConfigMap's files are links) and skipping hidden names,
// as manifest.Load does. It reads no file contents. A directory is walked in the order of
// its names, as filepath.WalkDir does; a link to a directory is hashed, not walked.
//
// A Reloader fingerprints at every poll (every 2s by default), so the walk reuses one buffer
// for paths and hash input, reads names only, and stats each file into memory it does not
// keep (statFile): two allocations per file (its name, and the path as the system call takes
// it) where filepath.WalkDir, os.Stat and fmt.Fprintf made eight, and 0.38 of their bytes
// (BenchmarkFingerprint), garbage the collector would otherwise reclaim again and again.
func fingerprint(dir string) (uint64, error) {
	w := walker{h: fnv.New64a(), path: make([]byte, 0, 256)}
	root, err := os.Lstat(dir)
	if err != nil {
		return 0, err
	}
	w.path = append(w.path, dir...)
	if err := w.entry(root.IsDir()); err != nil {
		return 0, err
	}
	return w.h.Sum64(), nil
}

// walker is one fingerprint's walk: the hash, the path being visited and the hash input.
type walker struct {
	h    hash.Hash64
	path []byte
	buf  []byte
}

// entry hashes the file at w.path and, if it is a directory (not a link to one: lstat says
// which, unless notLink says it is not a link), what is under it.
func (w *walker) entry(notLink bool) error {
	// The path is passed as a string over w.path's bytes, which stay as they are until the
	// calls with it return; nothing keeps it.
	p := unsafe.String(unsafe.SliceData(w.path), len(w.path))
	st, err := statFile(p, false)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a dangling link: the loader skips it too, or reports it
		}
		return err
	}
	w.buf = append(append(w.buf[:0], w.path...), 0)
	w.buf = binary.AppendVarint(w.buf, st.size)
	w.buf = binary.AppendUvarint(w.buf, uint64(st.mode))
	w.buf = binary.AppendVarint(w.buf, st.mtime)
	w.h.Write(w.buf)
	if !st.dir {
		return nil
	}
	if !notLink {
		if l, err := statFile(p, true); err != nil || !l.dir {
			return err // a link to a directory is not walked, as WalkDir does not
		}
	}
	return w.dir(p)
}

// dir hashes the entries of the directory at w.path (named p), in the order of their names.
// Names alone are read (os.File.Readdirnames): the stat of each tells what it is.
func (w *walker) dir(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return err
	}
	slices.Sort(names)
	n := len(w.path)
	for _, name := range names {
		if strings.HasPrefix(name, ".") {
			continue
		}
		w.path = append(append(w.path[:n], os.PathSeparator), name...)
		if err := w.entry(false); err != nil {
			return err
		}
	}
	w.path = w.path[:n]
	return nil
}

// fileStat is what a fingerprint hashes of a file.
type fileStat struct {
	size  int64
	mode  uint32
	mtime int64 // nanoseconds
	// dir is true for a directory.
	dir bool
}
