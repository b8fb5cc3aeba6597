package report_test

import (
	"os"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

func ExampleMarkdown() {
	r := report.New("3f2a1b4c5d6e", []report.Resource{
		{
			APIVersion: "apps/v1", Kind: "Deployment", Namespace: "demo", Name: "frontend",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{{
				Path: "spec.template.spec.containers[name=frontend].image", Desired: "nginx:1.25", Live: "nginx:1.19",
				Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update"},
			}},
		},
		{APIVersion: "v1", Kind: "Service", Namespace: "demo", Name: "web", Status: report.StatusInSync},
	})
	if err := report.Markdown(os.Stdout, r); err != nil {
		panic(err)
	}
	// Output:
	// <!-- gitops-drift report -->
	// ### gitops-drift: drift found
	//
	// Git revision `3f2a1b4c5d6e` · 2 resources: 1 drifted (1 field), 0 missing, 0 errors, 1 in sync
	//
	// | Resource | Status | Action | Fields | Changed by |
	// |---|---|---|--:|---|
	// | `Deployment/demo/frontend` | drifted | drift-detected (dry-run) | 1 | `kubectl-set` |
	//
	// <details><summary><code>Deployment/demo/frontend</code>: drifted, 1 field</summary>
	//
	// | Field | Desired | Live | Changed by |
	// |---|---|---|---|
	// | `spec.template.spec.containers[name=frontend].image` | `nginx:1.25` | `nginx:1.19` | `kubectl-set (Update)` |
	//
	// </details>
}
