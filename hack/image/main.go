// Command image builds gitops-drift's container image without a Docker daemon, with
// go-containerregistry: the static binary of each platform as /gitops-drift on an empty base
// (with a CA bundle, /etc/passwd and /tmp, as distroless/static has them), or on a base image
// at hand (--base: an OCI image layout folder or a registry reference), run as 65532:65532,
// entrypoint /gitops-drift, with the org.opencontainers.image.* labels. It writes an OCI image
// layout holding one multi-platform index (--layout; `crane push DIR REF`, `skopeo copy
// oci:DIR docker://REF`, or `docker buildx imagetools` take it to a registry) and, optionally,
// a tarball of one platform that `docker load` and `crane push` read (--tarball).
//
//	go run . --binary linux/amd64=../../bin/linux-amd64/gitops-drift --layout ../../bin/image
//
// `make image` builds the binaries (stamped as `make build` stamps) and runs it.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	opts := Options{}
	fs := pflag.NewFlagSet("image", pflag.ContinueOnError)
	opts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	out, err := Build(opts)
	if err != nil {
		return err
	}
	for _, line := range out {
		fmt.Println(line)
	}
	return nil
}

// Options configure Build.
type Options struct {
	// Binaries maps each platform ("linux/amd64") to the static binary built for it. Required.
	Binaries map[string]string
	// Base is the base image: an OCI image layout folder, or a registry reference (which needs
	// the registry). Defaults to none: an empty base ("scratch") with the files of
	// distroless/static that gitops-drift uses.
	Base string
	// CACertificates is a CA bundle copied to /etc/ssl/certs/ca-certificates.crt when there
	// is no base, for HTTPS to Git hosts. Defaults to the build machine's bundle at that path;
	// "" leaves it out. Ignored with a base, whose own bundle stays.
	CACertificates string
	// Version, Revision and Created are the image's version, Git commit and creation time
	// (labels and config). Created defaults to the Unix epoch, so that the same inputs give
	// the same digests; `make image` passes the commit's date.
	Version, Revision string
	Created           time.Time
	// Repository names the image in the layout and the tarball, with Version as its tag.
	// Defaults to ghcr.io/gitops-drift/gitops-drift.
	Repository string
	// Layout is the folder the OCI image layout is written to (replaced). Required.
	Layout string
	// Tarball, when set, is a file to write the image of TarballPlatform to, as `docker save`
	// writes one.
	Tarball string
	// TarballPlatform is the platform of Tarball. Defaults to linux/amd64.
	TarballPlatform string
}

// BindFlags adds the options' flags to fs, with their defaults.
func (o *Options) BindFlags(fs *pflag.FlagSet) {
	fs.StringToStringVar(&o.Binaries, "binary", nil, "PLATFORM=PATH of a static gitops-drift binary, e.g. linux/amd64=bin/linux-amd64/gitops-drift (repeat for a multi-platform image)")
	fs.StringVar(&o.Base, "base", "", "base image: an OCI image layout folder or a registry reference (default: none, an empty base)")
	fs.StringVar(&o.CACertificates, "ca-certificates", "/etc/ssl/certs/ca-certificates.crt", "CA bundle added to an image without a base (\"\" for none)")
	fs.StringVar(&o.Version, "version", "dev", "the image's version: label and tag")
	fs.StringVar(&o.Revision, "revision", "", "the Git commit built (label)")
	fs.Var((*rfc3339)(&o.Created), "created", "creation time, RFC 3339 (default: the Unix epoch)")
	fs.StringVar(&o.Repository, "repository", "ghcr.io/gitops-drift/gitops-drift", "repository that names the image")
	fs.StringVar(&o.Layout, "layout", "", "folder to write the OCI image layout to (replaced)")
	fs.StringVar(&o.Tarball, "tarball", "", "also write the image of --tarball-platform to this file, for docker load")
	fs.StringVar(&o.TarballPlatform, "tarball-platform", "linux/amd64", "platform of --tarball")
}

// Validate checks the options.
func (o *Options) Validate() error {
	var errs []error
	if len(o.Binaries) == 0 {
		errs = append(errs, errors.New("--binary is required"))
	}
	for p := range o.Binaries {
		if _, err := parsePlatform(p); err != nil {
			errs = append(errs, err)
		}
	}
	if o.Layout == "" {
		errs = append(errs, errors.New("--layout is required"))
	}
	if o.Tarball != "" {
		if _, ok := o.Binaries[o.TarballPlatform]; !ok {
			errs = append(errs, fmt.Errorf("--tarball-platform %s: no --binary for it", o.TarballPlatform))
		}
	}
	if _, err := o.tag(); err != nil {
		errs = append(errs, fmt.Errorf("--repository and --version: %w", err))
	}
	return errors.Join(errs...)
}

// rfc3339 is a time.Time flag written in RFC 3339.
type rfc3339 time.Time

func (t *rfc3339) String() string {
	if time.Time(*t).IsZero() {
		return ""
	}
	return time.Time(*t).Format(time.RFC3339)
}

func (t *rfc3339) Set(s string) error {
	v, err := time.Parse(time.RFC3339, s)
	*t = rfc3339(v)
	return err
}

func (t *rfc3339) Type() string { return "time" }
