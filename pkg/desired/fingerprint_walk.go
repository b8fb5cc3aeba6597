package desired

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"unsafe"
)

// walkFingerprint is fingerprint with the os package, for any system: it reuses one buffer for
// paths, reads names only, and stats each file into memory it does not keep (statFile): two
// allocations per file (its name, and the path as the system call takes it) where
// filepath.WalkDir, os.Stat and fmt.Fprintf made eight.
func walkFingerprint(dir string) (uint64, error) {
	w := walker{path: make([]byte, 0, 256)}
	root, err := os.Lstat(dir)
	if err != nil {
		return 0, err
	}
	w.path = append(w.path, dir...)
	if err := w.entry(root.IsDir()); err != nil {
		return 0, err
	}
	return w.sum, nil
}

// walker is one walkFingerprint: the sum of the files' hashes and the path being visited.
type walker struct {
	sum  uint64
	path []byte
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
	w.sum += fileHash(w.path, st)
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

// dir hashes the entries of the directory at w.path (named p). Names alone are read
// (os.File.Readdirnames): the stat of each tells what it is.
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

// fileHash returns the hash of the file at path with st: FNV-1a of the path and st's size, mode
// and modification time, then mixed (the finaliser of SplitMix64) so that sums of them spread.
func fileHash(path []byte, st fileStat) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for _, b := range path {
		h = (h ^ uint64(b)) * prime
	}
	for _, v := range [...]uint64{0, uint64(st.size), uint64(st.mode), uint64(st.mtime)} {
		for range 8 {
			h = (h ^ (v & 0xff)) * prime
			v >>= 8
		}
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// fileStat is what a fingerprint hashes of a file.
type fileStat struct {
	size  int64
	mode  uint32
	mtime int64 // nanoseconds
	// dir is true for a directory.
	dir bool
}
