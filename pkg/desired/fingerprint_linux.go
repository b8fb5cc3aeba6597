//go:build linux && (amd64 || arm64)

package desired

import (
	"bytes"
	"io/fs"
	"os"
	"syscall"
	"unsafe"
)

// fingerprint hashes the names, sizes, modes and modification times of the files under dir,
// following symbolic links (a mounted ConfigMap's files are links) and skipping hidden names,
// as manifest.Load does. It reads no file contents. A link to a directory is hashed, not
// walked, as filepath.WalkDir does. The hash is the sum of one hash per file (fileHash), so
// the order in which a directory lists its entries does not matter.
//
// A Reloader fingerprints at every poll (every 2s by default), so what it allocates is
// garbage that keeps the collector busy and, between collections, the heap at the
// collector's goal. This walk allocates nothing per file: it reads each directory's entries
// into one buffer (getdents64), whose names are NUL-terminated already, stats each entry by
// its name relative to the directory (fstatat) into a Stat_t on the stack, and hashes the
// path from a reused buffer. walkFingerprint, which it must agree with in what changes a
// fingerprint (TestFingerprint runs both), made two allocations per file; filepath.WalkDir,
// os.Stat and fmt.Fprintf, before, eight.
func fingerprint(dir string) (uint64, error) {
	var root syscall.Stat_t
	if err := syscall.Lstat(dir, &root); err != nil {
		return 0, &fs.PathError{Op: "lstat", Path: dir, Err: err}
	}
	w := direntWalker{buf: make([]byte, 32<<10), path: append(make([]byte, 0, 256), dir...)}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return 0, &fs.PathError{Op: "stat", Path: dir, Err: err}
	}
	w.sum = fileHash(w.path, statOf(&st))
	if root.Mode&syscall.S_IFMT != syscall.S_IFDIR {
		return w.sum, nil // a file, or a link: hashed, not walked
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	defer syscall.Close(fd)
	if err := w.dir(fd); err != nil {
		return 0, err
	}
	return w.sum, nil
}

// direntWalker is one fingerprint's walk: the sum of the files' hashes, the buffer the
// entries are read into, and the path of the directory being read.
type direntWalker struct {
	sum  uint64
	buf  []byte
	path []byte
}

// The offsets of a linux_dirent64's fields: d_ino (8 bytes), d_off (8), d_reclen (2),
// d_type (1), then d_name, NUL-terminated.
const (
	direntReclen = 16
	direntType   = 18
	direntName   = 19
)

// dir hashes the entries of the directory open as fd, whose path is w.path, and walks its
// subdirectories (not links to them) once its entries are read.
func (w *direntWalker) dir(fd int) error {
	var subdirs []string // few: allocated only when there are some
	n := len(w.path)
	for {
		read, err := syscall.ReadDirent(fd, w.buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "readdirent", Path: string(w.path), Err: err}
		}
		if read <= 0 {
			break
		}
		for off := 0; off < read; {
			reclen := int(*(*uint16)(unsafe.Pointer(&w.buf[off+direntReclen])))
			rec := w.buf[off : off+reclen]
			off += reclen
			name := rec[direntName:]
			name = name[:bytes.IndexByte(name, 0)]
			if len(name) == 0 || name[0] == '.' { // ".", ".." and hidden names
				continue
			}
			var st syscall.Stat_t
			if errno := fstatat(fd, &rec[direntName], &st, 0); errno != 0 {
				if errno == syscall.ENOENT {
					continue // a dangling link: the loader skips it too, or reports it
				}
				return &fs.PathError{Op: "stat", Path: string(w.path) + "/" + string(name), Err: errno}
			}
			w.path = append(append(w.path[:n], os.PathSeparator), name...)
			w.sum += fileHash(w.path, statOf(&st))
			w.path = w.path[:n]
			if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
				continue
			}
			isLink := rec[direntType] == syscall.DT_LNK
			if rec[direntType] == syscall.DT_UNKNOWN { // a file system without d_type
				var l syscall.Stat_t
				if errno := fstatat(fd, &rec[direntName], &l, _AT_SYMLINK_NOFOLLOW); errno != 0 {
					return &fs.PathError{Op: "lstat", Path: string(w.path) + "/" + string(name), Err: errno}
				}
				isLink = l.Mode&syscall.S_IFMT == syscall.S_IFLNK
			}
			if !isLink { // a link to a directory is hashed, not walked
				subdirs = append(subdirs, string(name))
			}
		}
	}
	for _, name := range subdirs {
		if err := w.subdir(fd, name); err != nil {
			return err
		}
	}
	return nil
}

// subdir walks the directory name of the directory open as fd, whose path is w.path.
func (w *direntWalker) subdir(fd int, name string) error {
	n := len(w.path)
	w.path = append(append(w.path, os.PathSeparator), name...)
	defer func() { w.path = w.path[:n] }()
	sub, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return &fs.PathError{Op: "open", Path: string(w.path), Err: err}
	}
	defer syscall.Close(sub)
	return w.dir(sub)
}

// _AT_SYMLINK_NOFOLLOW is fstatat's flag not to follow a link (syscall does not export it).
const _AT_SYMLINK_NOFOLLOW = 0x100

// fstatat stats the file name (NUL-terminated) of the directory open as dirfd into st: a
// system call that, unlike syscall's, does not copy the name to add a NUL.
func fstatat(dirfd int, name *byte, st *syscall.Stat_t, flags int) syscall.Errno {
	for {
		_, _, errno := syscall.Syscall6(sysFstatat, uintptr(dirfd), uintptr(unsafe.Pointer(name)), uintptr(unsafe.Pointer(st)), uintptr(flags), 0, 0)
		if errno != syscall.EINTR {
			return errno
		}
	}
}

// statOf returns what a fingerprint hashes of st.
func statOf(st *syscall.Stat_t) fileStat {
	return fileStat{size: st.Size, mode: st.Mode, mtime: st.Mtim.Nano(), dir: st.Mode&syscall.S_IFMT == syscall.S_IFDIR}
}
