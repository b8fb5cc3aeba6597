package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// file is one entry of a layer: a regular file, or a folder when data is nil and mode has
// os.ModeDir.
type file struct {
	path string
	mode os.FileMode
	data []byte
}

// passwd and group name the "nonroot" user and group (65532) as distroless/static does, so
// that a lookup of the current user finds a name and a home.
const (
	passwd = "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
	group  = "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n"
)

// rootFiles are the files an image without a base needs besides the binary: the users, a
// writable /tmp, the nonroot user's home, and the CA bundle from caFile ("" for none) for
// HTTPS to Git hosts.
func rootFiles(caFile string) ([]file, error) {
	files := []file{
		{path: "/etc", mode: os.ModeDir | 0o755},
		{path: "/etc/passwd", mode: 0o644, data: []byte(passwd)},
		{path: "/etc/group", mode: 0o644, data: []byte(group)},
		{path: "/home", mode: os.ModeDir | 0o755},
		{path: "/home/nonroot", mode: os.ModeDir | 0o700},
		{path: "/tmp", mode: os.ModeDir | os.ModeSticky | 0o777},
	}
	if caFile != "" {
		ca, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("CA bundle: %w", err)
		}
		files = append(files,
			file{path: "/etc/ssl", mode: os.ModeDir | 0o755},
			file{path: "/etc/ssl/certs", mode: os.ModeDir | 0o755},
			file{path: "/etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: ca})
	}
	return files, nil
}

// tarLayer returns a gzip-compressed OCI layer of files, owned by root except the nonroot
// user's home, all dated mtime so that the same inputs give the same digest.
func tarLayer(files []file, mtime time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{
			Name:    path.Clean(f.path)[1:],
			Mode:    int64(f.mode.Perm()),
			ModTime: mtime,
			Format:  tar.FormatPAX,
		}
		if f.mode&os.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		if f.path == "/home/nonroot" {
			h.Uid, h.Gid = 65532, 65532
		}
		switch {
		case f.mode.IsDir():
			h.Typeflag, h.Name = tar.TypeDir, h.Name+"/"
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
