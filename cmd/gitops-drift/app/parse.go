package app

import (
	"context"
	"io"
	"strings"
)

// ParseServeArgs parses and validates the arguments of `gitops-drift serve` (without the
// word "serve") as the command does, without connecting to anything or starting the server.
// It lets the install manifests' tests check that the Deployment's args are valid serve flags.
func ParseServeArgs(args []string) (*ServeOptions, error) {
	var got *ServeOptions
	streams := IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	cmd := newServeCommand(streams, func(_ context.Context, _ IOStreams, o *ServeOptions) error {
		got = o
		return nil
	})
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		return nil, err
	}
	return got, nil
}
