package main

import (
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// baseImage returns the base image for a platform.
type baseImage func(plat *v1.Platform) (v1.Image, error)

// openBase opens the base image: nil for none, an OCI image layout when ref is a folder,
// else a registry reference (an image index, or a single image that stands for every
// platform).
func openBase(ref string) (baseImage, error) {
	switch fi, err := os.Stat(ref); {
	case ref == "":
		return nil, nil
	case err == nil && fi.IsDir():
		idx, err := layout.ImageIndexFromPath(ref)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
		return indexBase(ref, idx), nil
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("base %s: neither a folder nor an image reference: %w", ref, err)
	}
	desc, err := remote.Get(r, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", ref, err)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
		return indexBase(ref, idx), nil
	}
	img, err := desc.Image()
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", ref, err)
	}
	return func(*v1.Platform) (v1.Image, error) { return img, nil }, nil
}

// indexBase returns the base that finds each platform's image in idx.
func indexBase(ref string, idx v1.ImageIndex) baseImage {
	return func(plat *v1.Platform) (v1.Image, error) {
		img, err := platformImage(idx, plat)
		if err != nil {
			return nil, fmt.Errorf("base %s: %w", ref, err)
		}
		if img == nil {
			return nil, fmt.Errorf("base %s: no image for %s", ref, plat)
		}
		return img, nil
	}
}

// platformImage finds the image for plat in idx, looking into nested indexes (an OCI layout's
// index.json usually holds one index); nil when there is none. An image without a platform
// in its descriptor stands for any.
func platformImage(idx v1.ImageIndex, plat *v1.Platform) (v1.Image, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, d := range m.Manifests {
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if img, err := platformImage(child, plat); err != nil || img != nil {
				return img, err
			}
		case d.MediaType.IsImage() && (d.Platform == nil || d.Platform.Satisfies(*plat)):
			return idx.Image(d.Digest)
		}
	}
	return nil, nil
}
