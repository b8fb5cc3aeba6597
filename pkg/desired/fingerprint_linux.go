package desired

import (
	"io/fs"
	"strings"
	"syscall"
)

// statFile stats the file at p, following links unless lstat, into a Stat_t on the stack:
// os.Stat would allocate a FileInfo per file. Its error keeps no reference to p.
func statFile(p string, lstat bool) (fileStat, error) {
	var st syscall.Stat_t
	for {
		var err error
		if lstat {
			err = syscall.Lstat(p, &st)
		} else {
			err = syscall.Stat(p, &st)
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			op := "stat"
			if lstat {
				op = "lstat"
			}
			return fileStat{}, &fs.PathError{Op: op, Path: strings.Clone(p), Err: err}
		}
		return fileStat{size: st.Size, mode: st.Mode, mtime: st.Mtim.Nano(), dir: st.Mode&syscall.S_IFMT == syscall.S_IFDIR}, nil
	}
}
