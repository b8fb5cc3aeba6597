package timing

import (
	"context"
	"time"

	"github.com/go-logr/logr"
)

// The message and keys of a phase's line. Their names are part of the logs' interface: the
// macro benchmark reads them.
const (
	// Message is the message of every phase's line.
	Message = "phase done"
	// KeyPhase names the phase: one of the Phase constants.
	KeyPhase = "phase"
	// KeyStart is when the phase started, formatted with StartFormat.
	KeyStart = "startTime"
	// KeyDuration is how long it took, in seconds.
	KeyDuration = "durationSeconds"
)

// StartFormat is the layout of KeyStart's value: RFC 3339 with nanoseconds, since the phases
// of a check last milliseconds.
const StartFormat = time.RFC3339Nano

// The phases of the check, in the order they start.
const (
	// Connect is reading the kubeconfig and the first call to the API server.
	Connect = "connect"
	// Discovery is learning the server's kinds and scopes (the RESTMapper's discovery).
	Discovery = "discovery"
	// Read is reading the manifest files: the bytes, the YAML, the checks, the scopes; each
	// object compiles as soon as it is read and checked, so this phase holds most of the
	// compiling too.
	Read = "read"
	// List is one LIST (or GET) of live objects: one line per kind and namespace.
	List = "list"
	// Compile is compiling the loaded manifests (policies, schemas, normalisation): what is
	// left of it once every file is read.
	Compile = "compile"
	// Diff is comparing every target with its live copy.
	Diff = "diff"
	// Report is writing the report.
	Report = "report"
)

// Done logs that phase, started at start, is done, with keysAndValues after the timing (the
// kind and namespace of a LIST, say). It costs nothing when the logger of ctx is not at
// debug level.
func Done(ctx context.Context, phase string, start time.Time, keysAndValues ...any) {
	log := logr.FromContextOrDiscard(ctx).V(1)
	if !log.Enabled() {
		return
	}
	took := time.Since(start)
	kv := append([]any{KeyPhase, phase, KeyStart, start.Format(StartFormat), KeyDuration, took.Seconds()}, keysAndValues...)
	log.Info(Message, kv...)
}
