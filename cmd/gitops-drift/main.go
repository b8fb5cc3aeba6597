// Command gitops-drift reports (and on request repairs) drift between a Kubernetes cluster and
// the manifests in a Git checkout. See README.md for flags and exit codes. Installed on PATH as
// kubectl-gitops_drift, it is the kubectl plugin `kubectl gitops-drift`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

// Stamped by `make build` with -ldflags "-X main.version=... -X main.commit=... -X main.date=..."
// (the names release tools such as GoReleaser stamp by default); only the linker writes them.
// Left empty, the Go toolchain's build info stands in.
var (
	version string
	commit  string
	date    string
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	prog := app.Program{Name: os.Args[0], Version: version, Commit: commit, Date: date}
	code := prog.Main(ctx, app.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
