package app

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/version"
)

// VersionOptions are the flags of `gitops-drift version`.
type VersionOptions struct {
	// Output is text or json. Defaults to text.
	Output string
}

// BindFlags registers the options' flags on fs.
func (o *VersionOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Output, "output", "o", o.Output, "text or json")
}

// Validate reports options that cannot work.
func (o *VersionOptions) Validate() error {
	if o.Output != "text" && o.Output != "json" {
		return fmt.Errorf("--output %q: the version is printed as text or json", o.Output)
	}
	return nil
}

// newVersionCommand returns `gitops-drift version`, which prints the Info of the running binary
// stamped with stamp.
func newVersionCommand(streams IOStreams, stamp version.Stamp) *cobra.Command {
	opts := &VersionOptions{Output: "text"}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, Git commit, build date, Go and client-go versions",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return writeVersion(streams.Out, version.Get(stamp), opts)
		},
	}
	opts.BindFlags(cmd.Flags())
	return cmd
}

// writeVersion writes info to w as text, or as one JSON object with --output json.
func writeVersion(w io.Writer, info version.Info, o *VersionOptions) error {
	if err := o.Validate(); err != nil {
		return withCode(ExitError, err)
	}
	var err error
	if o.Output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(info)
	} else {
		_, err = fmt.Fprintf(w, "Version:    %s\nGit commit: %s\nBuild date: %s\nGo version: %s\nclient-go:  %s\nPlatform:   %s\n",
			info.Version, info.Commit, info.BuildDate, info.GoVersion, info.ClientGoVersion, info.Platform)
	}
	if err != nil {
		return withCode(ExitError, fmt.Errorf("write version: %w", err))
	}
	return nil
}
