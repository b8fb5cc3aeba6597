package app

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/version"
)

const (
	// name is the command's name, and how the help names it outside kubectl.
	name = "gitops-drift"
	// pluginBinary is the binary's name as a kubectl plugin, in krew's naming: kubectl runs
	// kubectl-gitops_drift for `kubectl gitops-drift`.
	pluginBinary = "kubectl-gitops_drift"
	// pluginName is how the help names the command when it runs as the kubectl plugin.
	pluginName = "kubectl gitops-drift"
)

// Program is what main knows about the binary: the name it was run as and what the build
// stamped into it.
type Program struct {
	// Name is the binary's name as it was run (os.Args[0]). Run as kubectl-gitops_drift (or
	// kubectl-gitops_drift.exe), the kubectl plugin, the help says `kubectl gitops-drift`;
	// any other name, and the default "", gives gitops-drift. Nothing else changes.
	Name string
	// Version, Commit and Date are what the build stamped into package main with -ldflags -X
	// (see the Makefile): `git describe --tags --always --dirty`, the commit's hash and its
	// date. Empty ones fall back to the Go toolchain's build info (package version).
	Version, Commit, Date string
}

// stamp returns the build stamp of p.
func (p Program) stamp() version.Stamp {
	return version.Stamp{Version: p.Version, Commit: p.Commit, Date: p.Date}
}

// Main runs gitops-drift with args and returns the process exit code. It is Program{}.Main.
func Main(ctx context.Context, streams IOStreams, args []string) int {
	return Program{}.Main(ctx, streams, args)
}

// Main runs the program with args (the command line without the binary's name) and returns
// the process exit code.
func (p Program) Main(ctx context.Context, streams IOStreams, args []string) int {
	cmd := p.newCommand(streams, RunCheck)
	cmd.SetArgs(args)
	return exitCode(cmd.ExecuteContext(ctx), streams.ErrOut)
}

// NewCommand returns the gitops-drift command. run is called with the parsed and validated
// options of a check (the root command); tests pass their own to test flag parsing alone.
func NewCommand(streams IOStreams, run func(context.Context, IOStreams, *CheckOptions) error) *cobra.Command {
	return Program{}.newCommand(streams, run)
}

// displayName returns how the help names the command: `kubectl gitops-drift` when the binary
// runs as the kubectl plugin, gitops-drift otherwise.
func (p Program) displayName() string {
	base := filepath.Base(p.Name)
	if ext := filepath.Ext(base); strings.EqualFold(ext, ".exe") {
		base = strings.TrimSuffix(base, ext)
	}
	if base == pluginBinary {
		return pluginName
	}
	return name
}

// newCommand returns the root command: the check, with serve, certs and version below it.
func (p Program) newCommand(streams IOStreams, run func(context.Context, IOStreams, *CheckOptions) error) *cobra.Command {
	opts := NewCheckOptions()
	display := p.displayName()
	showVersion := false
	cmd := &cobra.Command{
		Use:   name + " (--manifests DIR | --git-url URL) [flags]",
		Short: "Report drift between a Kubernetes cluster and the manifests in Git",
		Long: "gitops-drift compares the objects defined by the YAML manifests (or the kustomization) in\n" +
			"a directory of a Git checkout, or in a Git repository (--git-url), with the live objects of\n" +
			"a cluster and reports drift field by field.\n" +
			"Exit codes: 0 no drift (or drift without --fail-on-drift), 1 drift with --fail-on-drift,\n" +
			"2 any error (bad flags, manifests that do not load, cluster unreachable, a resource that\n" +
			"could not be read or remediated).\n\n" + pluginHelp(display),
		Example:       examples(display),
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: display},
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if showVersion {
				return writeVersion(streams.Out, version.Get(p.stamp()), &VersionOptions{Output: opts.Output})
			}
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
	cmd.Flags().BoolVar(&showVersion, "version", false, "print the version, as the version command does (with -o json, as JSON), and exit")
	cmd.AddCommand(newServeCommand(streams, RunServe), newCertsCommand(streams, RunCerts), newVersionCommand(streams, p.stamp()))
	return cmd
}

// subcommandOptions are a subcommand's options: its flags, and a check of what cannot work.
type subcommandOptions interface {
	BindFlags(fs *pflag.FlagSet)
	Validate() error
}

// withOptions completes cmd, a subcommand without arguments: opts are bound to its flags and,
// when it runs, validated (an error exits 2) and given to run.
func withOptions[O subcommandOptions](cmd *cobra.Command, streams IOStreams, opts O, run func(context.Context, IOStreams, O) error) *cobra.Command {
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := opts.Validate(); err != nil {
			return withCode(ExitError, err)
		}
		return run(cmd.Context(), streams, opts)
	}
	opts.BindFlags(cmd.Flags())
	return cmd
}

// pluginHelp is the root help's paragraph on the kubectl plugin, for the name the help uses.
func pluginHelp(display string) string {
	if display == pluginName {
		return "Running as the kubectl plugin " + pluginBinary + ". kubectl's own flags are not passed on:\n" +
			"give --kubeconfig and --context after the plugin's name (kubectl gitops-drift --context prod ...)."
	}
	return "The same binary is a kubectl plugin: installed on PATH as " + pluginBinary + " (krew's\n" +
		"naming), it runs as `kubectl gitops-drift`."
}

// examples returns the root command's examples, naming the command display.
func examples(display string) string {
	return strings.ReplaceAll(`  # Check once against a directory of manifests; exit 1 on drift (a CI gate)
  NAME --manifests ./deploy --namespace prod --once --fail-on-drift

  # The same check as Markdown, for a pull request comment or a CI job summary
  NAME --manifests ./deploy --namespace prod --once --output markdown

  # Follow a Git repository and check every minute until Ctrl-C
  NAME --git-url https://github.com/example/deploy.git --git-path overlays/prod

  # Print the version as JSON
  NAME version -o json`, "NAME", display)
}
