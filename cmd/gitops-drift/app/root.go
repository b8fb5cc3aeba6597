package app

import (
	"context"

	"github.com/spf13/cobra"
)

// Main runs gitops-drift with args and returns the process exit code.
func Main(ctx context.Context, streams IOStreams, args []string) int {
	cmd := NewCommand(streams, RunCheck)
	cmd.SetArgs(args)
	return exitCode(cmd.ExecuteContext(ctx), streams.ErrOut)
}

// NewCommand returns the gitops-drift command. run is called with the parsed and validated
// options of a check (the root command); tests pass their own to test flag parsing alone.
func NewCommand(streams IOStreams, run func(context.Context, IOStreams, *CheckOptions) error) *cobra.Command {
	opts := NewCheckOptions()
	cmd := &cobra.Command{
		Use:   "gitops-drift (--manifests DIR | --git-url URL) [flags]",
		Short: "Report drift between a Kubernetes cluster and the manifests in Git",
		Long: "gitops-drift compares the objects defined by the YAML manifests (or the kustomization) in\n" +
			"a directory of a Git checkout, or in a Git repository (--git-url), with the live objects of\n" +
			"a cluster and reports drift field by field.\n" +
			"Exit codes: 0 no drift (or drift without --fail-on-drift), 1 drift with --fail-on-drift,\n" +
			"2 any error (bad flags, manifests that do not load, cluster unreachable, a resource that\n" +
			"could not be read or remediated).",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.Complete(cmd.Flags()); err != nil {
				return withCode(ExitError, err)
			}
			if err := opts.Validate(); err != nil {
				return withCode(ExitError, err)
			}
			return run(cmd.Context(), streams, opts)
		},
	}
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitError, err) })
	opts.BindFlags(cmd.Flags())
	cmd.AddCommand(newServeCommand(streams, RunServe), newCertsCommand(streams, RunCerts))
	return cmd
}
