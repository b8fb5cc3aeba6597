package gitsource

import (
	"context"
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
)

// Path is the directory of the repository that holds the manifests.
const Path = "deploy"

// WebFile is the file of the web Deployment in the repository.
const WebFile = Path + "/web.yaml"

// New returns a repository whose first commit holds WebFile, the web Deployment at image
// nginx:1.25, and the source.Git that follows its main branch and Path at url(repo), with a
// cache in a temporary directory. It skips the test when there is no git binary.
func New(t *testing.T, url func(*gitrepo.Repo) string) (*gitrepo.Repo, *source.Git) {
	t.Helper()
	repo := gitrepo.New(t)
	repo.Commit("initial", map[string]string{WebFile: WebDeployment("nginx:1.25")})
	opts := source.GitOptions{URL: url(repo), Path: Path, CacheDir: t.TempDir()}
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	return repo, source.NewGit(opts)
}

// Load loads the manifests of s and compiles them at revision against client-go's built-in
// schema, without a cluster: the loader (a pkg/desired LoadFunc) of a test's GitSource.
func Load(_ context.Context, s source.Snapshot, revision string) (*check.Desired, error) {
	set, err := source.Load(s, manifest.Options{})
	if err != nil {
		return nil, err
	}
	return check.Compile(set, revision, builtin.NewResolver(nil), nil)
}

// WebDeployment returns the manifest of the Deployment default/web, whose one container, web,
// runs image.
func WebDeployment(image string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ` + image + "\n"
}
