package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed settings: those of the Dockerfile.
const (
	// entrypoint is where the binary is, and what runs.
	entrypoint = "/gitops-drift"
	// user is distroless's "nonroot", as manifests/deployment.yaml expects.
	user = "65532:65532"
	// source is the project's home, for the source label.
	source = "https://github.com/gitops-drift/gitops-drift"
)

// Build builds the image of every platform, writes the layout (and the tarball), and returns
// what it wrote, one line each.
func Build(o Options) ([]string, error) {
	tag, err := o.tag()
	if err != nil {
		return nil, err
	}
	if o.Created.IsZero() {
		o.Created = time.Unix(0, 0)
	}
	base, err := openBase(o.Base)
	if err != nil {
		return nil, err
	}
	platforms := make([]string, 0, len(o.Binaries))
	for p := range o.Binaries {
		platforms = append(platforms, p)
	}
	slices.Sort(platforms)
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	var out []string
	for _, p := range platforms {
		plat, err := parsePlatform(p)
		if err != nil {
			return nil, err
		}
		img, err := o.image(base, plat, o.Binaries[p])
		if err != nil {
			return nil, fmt.Errorf("image for %s: %w", p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
		if o.Tarball != "" && p == o.TarballPlatform {
			if err := tarball.WriteToFile(o.Tarball, tag, img); err != nil {
				return nil, fmt.Errorf("write %s: %w", o.Tarball, err)
			}
			out = append(out, fmt.Sprintf("%s: %s for docker load (%s)", o.Tarball, tag, p))
		}
	}
	if err := writeLayout(o.Layout, idx, tag); err != nil {
		return nil, err
	}
	d, err := idx.Digest()
	if err != nil {
		return nil, err
	}
	out = append(out, fmt.Sprintf("%s: OCI image layout, %s@%s (%s)", o.Layout, tag, d, strings.Join(platforms, ", ")))
	return out, nil
}

// image builds the image of one platform: the base's image for it, or an empty one with the
// files of rootFiles, then the binary, the config and the labels.
func (o Options) image(base baseImage, plat *v1.Platform, binary string) (v1.Image, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, fmt.Errorf("read the binary: %w", err)
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	var layers []v1.Layer
	if base != nil {
		if img, err = base(plat); err != nil {
			return nil, err
		}
	} else {
		files, err := rootFiles(o.CACertificates)
		if err != nil {
			return nil, err
		}
		l, err := tarLayer(files, o.Created)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
	}
	l, err := tarLayer([]file{{path: entrypoint, mode: 0o755, data: bin}}, o.Created)
	if err != nil {
		return nil, err
	}
	if img, err = mutate.AppendLayers(img, append(layers, l)...); err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = plat.OS, plat.Architecture, plat.Variant
	cf.Created = v1.Time{Time: o.Created.UTC()}
	cf.Author = ""
	cf.History = nil // the base's history no longer lines up with its layers plus ours
	cf.Config.User = user
	cf.Config.Entrypoint = []string{entrypoint}
	cf.Config.Cmd = nil
	cf.Config.WorkingDir = "/"
	if cf.Config.Labels == nil {
		cf.Config.Labels = map[string]string{}
	}
	for k, v := range o.labels() {
		cf.Config.Labels[k] = v
	}
	return mutate.ConfigFile(img, cf)
}

// labels are the org.opencontainers.image.* labels (OCI image spec, annotations.md).
func (o Options) labels() map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "gitops-drift",
		"org.opencontainers.image.description": "Reports and repairs drift between Git and a Kubernetes cluster; admission webhook and auditor (gitops-drift serve).",
		"org.opencontainers.image.source":      source,
		"org.opencontainers.image.url":         source,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.version":     o.Version,
		"org.opencontainers.image.created":     o.Created.UTC().Format("2006-01-02T15:04:05Z"),
	}
	if o.Revision != "" {
		l["org.opencontainers.image.revision"] = o.Revision
	}
	if o.Base != "" {
		l["org.opencontainers.image.base.name"] = o.Base
	}
	return l
}

// tag is the image's name: Repository:Version.
func (o Options) tag() (name.Tag, error) {
	return name.NewTag(o.Repository+":"+o.Version, name.StrictValidation)
}

// writeLayout replaces dir with an OCI image layout whose index.json holds idx, named tag.
func writeLayout(dir string, idx v1.ImageIndex, tag name.Tag) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("write the layout %s: %w", dir, err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": tag.TagStr(),
		"io.containerd.image.name":          tag.String(),
	})); err != nil {
		return fmt.Errorf("write the layout %s: %w", dir, err)
	}
	return nil
}

// parsePlatform parses "os/arch" or "os/arch/variant".
func parsePlatform(s string) (*v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("platform %q: want os/arch[/variant]", s)
	}
	p := &v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}
