package manifest

import (
	"errors"
	"fmt"
	"io/fs"
)

// Error is one problem found while loading manifests: a file that cannot be read, a syntax
// error, an invalid or duplicate object. Load and LoadFS return all of a run's Errors joined with
// errors.Join; use errors.As to reach the first one.
type Error struct {
	// File is the file's name as Object.File gives it.
	File string
	// Line is the 1-based line in File, or 0 when the problem concerns the whole file.
	Line int
	// Err is the problem itself.
	Err error
}

// Error returns "file:line: problem", or "file: problem" when Line is 0.
func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// fileError reports err, an error of the file system about file, without repeating the path that
// an *fs.PathError carries.
func fileError(file string, err error) *Error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &Error{File: file, Err: fmt.Errorf("%s: %w", pe.Op, pe.Err)}
	}
	return &Error{File: file, Err: err}
}

// syntaxError is a parser error whose message has been rewritten, with file lines in place of the
// parser's document lines. Unwrap still gives the parser's error.
type syntaxError struct {
	msg string
	err error
}

func (e *syntaxError) Error() string { return e.msg }
func (e *syntaxError) Unwrap() error { return e.err }
