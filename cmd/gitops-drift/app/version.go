package app

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/gitops-drift/gitops-drift/pkg/version"
)

// VersionOptions are the flags of `gitops-drift version`.
type VersionOptions struct {
	// Output is text or json. Defaults to text.
	Output string
}

// newVersionCommand returns `gitops-drift version`, which prints the Info of the running binary
// stamped with stamp.
func newVersionCommand(streams IOStreams, stamp version.Stamp) *cobra.Command {
	opts := VersionOptions{Output: "text"}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, Git commit, build date, Go and client-go versions",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return writeVersion(streams.Out, version.Get(stamp), opts.Output)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", opts.Output, "text or json")
	return cmd
}

// writeVersion writes info to w as text, or as one JSON object when format is json.
func writeVersion(w io.Writer, info version.Info, format string) error {
	var err error
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(info)
	case "text":
		_, err = fmt.Fprintf(w, "Version:    %s\nGit commit: %s\nBuild date: %s\nGo version: %s\nclient-go:  %s\nPlatform:   %s\n",
			info.Version, info.Commit, info.BuildDate, info.GoVersion, info.ClientGoVersion, info.Platform)
	default:
		return withCode(ExitError, fmt.Errorf("--output %q: the version is printed as text or json", format))
	}
	if err != nil {
		return withCode(ExitError, fmt.Errorf("write version: %w", err))
	}
	return nil
}
