//go:build !linux

package desired

import (
	"errors"
	"io/fs"
	"os"
	"strings"
)

// statFile stats the file at p, following links unless lstat. Its error keeps no reference
// to p.
func statFile(p string, lstat bool) (fileStat, error) {
	stat := os.Stat
	if lstat {
		stat = os.Lstat
	}
	info, err := stat(p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return fileStat{}, &fs.PathError{Op: pe.Op, Path: strings.Clone(pe.Path), Err: pe.Err}
		}
		return fileStat{}, err
	}
	return fileStat{size: info.Size(), mode: uint32(info.Mode()), mtime: info.ModTime().UnixNano(), dir: info.IsDir()}, nil
}
