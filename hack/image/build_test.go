package main

import (
	"archive/tar"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entry is what a test sees of a file in an image's flattened filesystem.
type entry struct {
	Mode     int64
	UID, GID int
	Data     string
}

// created is the creation time the tests build with.
var created = time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)

// fakeBinaries writes one small file per platform, standing for its binary.
func fakeBinaries(t *testing.T, platforms ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	bins := map[string]string{}
	for _, p := range platforms {
		path := filepath.Join(dir, strings.ReplaceAll(p, "/", "-"))
		if err := os.WriteFile(path, []byte("binary for "+p), 0o600); err != nil {
			t.Fatal(err)
		}
		bins[p] = path
	}
	return bins
}

// images reads the layout at dir: the ref name of its one index, and that index's images by
// platform.
func images(t *testing.T, dir string) (string, map[string]v1.Image) {
	t.Helper()
	root, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := root.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(rm.Manifests) != 1 || rm.Manifests[0].MediaType != types.OCIImageIndex {
		t.Fatalf("index.json: want one OCI image index, got %+v", rm.Manifests)
	}
	idx, err := root.ImageIndex(rm.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	imgs := map[string]v1.Image{}
	for _, d := range m.Manifests {
		if d.MediaType != types.OCIManifestSchema1 || d.Platform == nil {
			t.Fatalf("index: want OCI image manifests with a platform, got %+v", d)
		}
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		imgs[d.Platform.String()] = img
	}
	return rm.Manifests[0].Annotations["org.opencontainers.image.ref.name"], imgs
}

// filesystem returns the flattened filesystem of img.
func filesystem(t *testing.T, img v1.Image) map[string]entry {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	fs := map[string]entry{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fs
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fs[strings.TrimSuffix(h.Name, "/")] = entry{Mode: h.Mode, UID: h.Uid, GID: h.Gid, Data: string(data)}
	}
}

func TestBuildWithoutBase(t *testing.T) {
	ca := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(ca, []byte("CA BUNDLE"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	o := Options{
		Binaries:        fakeBinaries(t, "linux/amd64", "linux/arm64"),
		CACertificates:  ca,
		Version:         "v1.2.3",
		Revision:        "0123456789abcdef",
		Created:         created,
		Repository:      "ghcr.io/gitops-drift/gitops-drift",
		Layout:          filepath.Join(out, "oci"),
		Tarball:         filepath.Join(out, "image.tar"),
		TarballPlatform: "linux/amd64",
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(o); err != nil {
		t.Fatal(err)
	}
	ref, imgs := images(t, o.Layout)
	if ref != "v1.2.3" {
		t.Errorf("ref name = %q, want v1.2.3", ref)
	}
	if len(imgs) != 2 {
		t.Fatalf("platforms: got %d images, want linux/amd64 and linux/arm64", len(imgs))
	}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		t.Run(p, func(t *testing.T) {
			img := imgs[p]
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			wantCfg := v1.Config{
				User:       "65532:65532",
				Entrypoint: []string{"/gitops-drift"},
				WorkingDir: "/",
				Labels: map[string]string{
					"org.opencontainers.image.title":       "gitops-drift",
					"org.opencontainers.image.description": "Reports and repairs drift between Git and a Kubernetes cluster; admission webhook and auditor (gitops-drift serve).",
					"org.opencontainers.image.source":      "https://github.com/gitops-drift/gitops-drift",
					"org.opencontainers.image.url":         "https://github.com/gitops-drift/gitops-drift",
					"org.opencontainers.image.licenses":    "Apache-2.0",
					"org.opencontainers.image.version":     "v1.2.3",
					"org.opencontainers.image.revision":    "0123456789abcdef",
					"org.opencontainers.image.created":     "2026-12-04T19:00:00Z",
				},
			}
			if diff := cmp.Diff(wantCfg, cf.Config); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
			if got := cf.OS + "/" + cf.Architecture; got != p {
				t.Errorf("config platform = %s, want %s", got, p)
			}
			if !cf.Created.Time.Equal(created) {
				t.Errorf("created = %s, want %s", cf.Created.Time, created)
			}
			want := map[string]entry{
				"gitops-drift":                      {Mode: 0o755, Data: "binary for " + p},
				"etc":                               {Mode: 0o755},
				"etc/passwd":                        {Mode: 0o644, Data: passwd},
				"etc/group":                         {Mode: 0o644, Data: group},
				"etc/ssl":                           {Mode: 0o755},
				"etc/ssl/certs":                     {Mode: 0o755},
				"etc/ssl/certs/ca-certificates.crt": {Mode: 0o644, Data: "CA BUNDLE"},
				"home":                              {Mode: 0o755},
				"home/nonroot":                      {Mode: 0o700, UID: 65532, GID: 65532},
				"tmp":                               {Mode: 0o1777},
			}
			if diff := cmp.Diff(want, filesystem(t, img)); diff != "" {
				t.Errorf("filesystem (-want +got):\n%s", diff)
			}
		})
	}
	tag, err := name.NewTag("ghcr.io/gitops-drift/gitops-drift:v1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(o.Tarball, &tag)
	if err != nil {
		t.Fatalf("tarball: %v", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Architecture != "amd64" || cf.Config.User != "65532:65532" {
		t.Errorf("tarball: architecture %s, user %s; want amd64, 65532:65532", cf.Architecture, cf.Config.User)
	}
}

// TestBuildIsReproducible: the same inputs give the same digests, so that a rebuild of a
// commit names the same image.
func TestBuildIsReproducible(t *testing.T) {
	bins := fakeBinaries(t, "linux/amd64")
	var digests []v1.Hash
	for range 2 {
		o := Options{Binaries: bins, Version: "v1", Created: created, Repository: "example.com/x", Layout: filepath.Join(t.TempDir(), "oci")}
		if _, err := Build(o); err != nil {
			t.Fatal(err)
		}
		idx, err := layout.ImageIndexFromPath(o.Layout)
		if err != nil {
			t.Fatal(err)
		}
		m, err := idx.IndexManifest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, m.Manifests[0].Digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of the same inputs: %s and %s", digests[0], digests[1])
	}
}

// baseLayout writes an OCI layout of a two-platform base image with a CA bundle, an Env and a
// label of its own.
func baseLayout(t *testing.T) string {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		plat, err := parsePlatform(p)
		if err != nil {
			t.Fatal(err)
		}
		l, err := tarLayer([]file{{path: "/etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: []byte("BASE CA " + p)}}, created)
		if err != nil {
			t.Fatal(err)
		}
		img, err := mutate.AppendLayers(mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON), l)
		if err != nil {
			t.Fatal(err)
		}
		img, err = mutate.Config(img, v1.Config{Env: []string{"PATH=/bin"}, User: "0", Labels: map[string]string{"base": "yes"}})
		if err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: plat}})
	}
	dir := filepath.Join(t.TempDir(), "base")
	if err := writeLayout(dir, idx, name.MustParseReference("example.com/base:1").(name.Tag)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBuildOnBase(t *testing.T) {
	base := baseLayout(t)
	o := Options{Binaries: fakeBinaries(t, "linux/arm64"), Base: base, CACertificates: "/nonexistent", Version: "v1", Created: created, Repository: "example.com/x", Layout: filepath.Join(t.TempDir(), "oci")}
	if _, err := Build(o); err != nil {
		t.Fatal(err)
	}
	_, imgs := images(t, o.Layout)
	img := imgs["linux/arm64"]
	if img == nil {
		t.Fatalf("no linux/arm64 image: %v", imgs)
	}
	want := map[string]entry{
		"gitops-drift":                      {Mode: 0o755, Data: "binary for linux/arm64"},
		"etc/ssl/certs/ca-certificates.crt": {Mode: 0o644, Data: "BASE CA linux/arm64"},
	}
	if diff := cmp.Diff(want, filesystem(t, img)); diff != "" {
		t.Errorf("filesystem: the base's files and the binary, nothing of ours else (-want +got):\n%s", diff)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cf.Config.User, strings.Join(cf.Config.Entrypoint, " "), strings.Join(cf.Config.Env, " "), cf.Config.Labels["base"], cf.Config.Labels["org.opencontainers.image.base.name"], cf.Architecture}
	if diff := cmp.Diff([]string{"65532:65532", "/gitops-drift", "PATH=/bin", "yes", base, "arm64"}, got); diff != "" {
		t.Errorf("user, entrypoint, env, base label, base.name, architecture (-want +got):\n%s", diff)
	}
}

func TestBuildOnBaseWithoutThePlatform(t *testing.T) {
	o := Options{Binaries: fakeBinaries(t, "linux/s390x"), Base: baseLayout(t), Version: "v1", Created: created, Repository: "example.com/x", Layout: filepath.Join(t.TempDir(), "oci")}
	if _, err := Build(o); err == nil || !strings.Contains(err.Error(), "no image for linux/s390x") {
		t.Errorf("err = %v, want no image for linux/s390x", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want []string // substrings of the error; none: valid
	}{
		{
			name: "valid",
			o:    Options{Binaries: map[string]string{"linux/amd64": "x"}, Layout: "out", Version: "v1", Repository: "ghcr.io/a/b", Tarball: "t.tar", TarballPlatform: "linux/amd64"},
		},
		{
			name: "nothing",
			o:    Options{Version: "v1", Repository: "ghcr.io/a/b"},
			want: []string{"--binary is required", "--layout is required"},
		},
		{
			name: "bad platform and tarball platform",
			o:    Options{Binaries: map[string]string{"amd64": "x"}, Layout: "out", Version: "v1", Repository: "ghcr.io/a/b", Tarball: "t.tar", TarballPlatform: "linux/amd64"},
			want: []string{`platform "amd64"`, "--tarball-platform linux/amd64: no --binary for it"},
		},
		{
			name: "a version that is no tag",
			o:    Options{Binaries: map[string]string{"linux/amd64": "x"}, Layout: "out", Version: "v1+dirty", Repository: "ghcr.io/a/b"},
			want: []string{"--repository and --version"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Errorf("err = %v, want none", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("err = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to say %q", err, w)
				}
			}
		})
	}
}

// TestBuildDatesTheEpochByDefault: without a creation time, the image is dated 1970, not the
// build's time, so that digests stay reproducible.
func TestBuildDatesTheEpochByDefault(t *testing.T) {
	o := Options{Binaries: fakeBinaries(t, "linux/amd64"), Version: "v1", Repository: "example.com/x", Layout: filepath.Join(t.TempDir(), "oci")}
	if _, err := Build(o); err != nil {
		t.Fatal(err)
	}
	_, imgs := images(t, o.Layout)
	cf, err := imgs["linux/amd64"].ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cf.Created.UTC().Format(time.RFC3339), cf.Config.Labels["org.opencontainers.image.created"]}
	if diff := cmp.Diff([]string{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"}, got); diff != "" {
		t.Errorf("created, label (-want +got):\n%s", diff)
	}
}
