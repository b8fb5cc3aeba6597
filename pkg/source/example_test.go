package source_test

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// Load renders a directory with a kustomization as `kubectl apply -k` would, and gives the
// objects the checks of plain YAML.
func ExampleLoad() {
	set, err := source.Load(source.Snapshot{Root: "testdata/kustomize/overlays/prod"}, manifest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range set.Objects() {
		fmt.Println(o.Key(), "from", o.File, "line", o.Line)
	}
	// Output:
	// ConfigMap kustomize-prod/web-config-bmm4b8b25b from testdata/kustomize/overlays/prod (kustomize build) line 1
	// Deployment kustomize-prod/web from testdata/kustomize/overlays/prod (kustomize build) line 10
}
