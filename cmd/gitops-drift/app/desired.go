package app

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// loadDesired reads the manifests in dir, defaulting namespaced objects to namespace, and
// compiles them against the cluster's kinds and schemas. It returns a complete desired state or
// an error naming every problem, never a partial state. The check (once and
// loop) and serve use it.
func loadDesired(dir, namespace string, client *cluster.Client, schemas check.SchemaSource, ignore []diff.Path) (*check.Desired, error) {
	set, err := manifest.Load(dir, manifest.Options{
		Namespace: namespace,
		Scope:     cluster.Scope{Mapper: client.Mapper},
	})
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", dir, err)
	}
	rev, err := source.Revision(dir)
	if err != nil {
		return nil, fmt.Errorf("read Git revision of %s: %w", dir, err)
	}
	d, err := check.Compile(set, rev, schemas, ignore)
	if err != nil {
		return nil, fmt.Errorf("load manifests from %s:\n%w", dir, err)
	}
	return d, nil
}
