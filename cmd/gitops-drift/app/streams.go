package app

import (
	"errors"
	"fmt"
	"io"
)

// IOStreams are the command's standard streams, so commands can be tested without a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Exit codes.
const (
	ExitOK    = 0 // no drift, or drift without --fail-on-drift
	ExitDrift = 1 // drift found with --fail-on-drift
	ExitError = 2 // bad flags, manifests that do not load, unreachable cluster, failed reads
)

// ExitError carries the process exit code of a command's failure.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that Main exits with code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// errDrift is returned by a check that found drift under --fail-on-drift; the report already
// said everything, so Main prints nothing more.
var errDrift = errors.New("drift detected")

// exitCode maps a command's error to the process exit code, printing it when useful.
func exitCode(err error, errOut io.Writer) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, errDrift) {
		return ExitDrift
	}
	fmt.Fprintln(errOut, "error:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitError
}
