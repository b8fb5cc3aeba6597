package report_test

import (
	"os"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

func ExampleText() {
	r := report.New("3f2a1b4c5d6e", []report.Resource{
		{
			APIVersion: "v1", Kind: "Namespace", Name: "demo",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{{Path: "metadata.labels.env", Desired: "production", Live: "staging"}},
		},
		{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "demo", Name: "app-config",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{
				{Path: "data.LOG_LEVEL", Desired: "info", Live: "debug"},
				{Path: "data.FEATURE_FLAGS", Desired: "beta=false", Live: "beta=true"},
			},
		},
		{APIVersion: "v1", Kind: "Service", Namespace: "demo", Name: "web", Status: report.StatusInSync},
	})
	if err := report.Text(os.Stdout, r); err != nil {
		panic(err)
	}
	// Output:
	// Drift Report
	// Git revision : 3f2a1b4c5d6e
	// ============================================================
	//
	// ConfigMap/app-config (ns: demo)
	//   Action : drift-detected (dry-run)
	//   Fields : 2 drifted
	//     - data.LOG_LEVEL
	//         desired : info
	//         live    : debug
	//     - data.FEATURE_FLAGS
	//         desired : beta=false
	//         live    : beta=true
	//
	// Namespace/demo
	//   Action : drift-detected (dry-run)
	//   Fields : 1 drifted
	//     - metadata.labels.env
	//         desired : production
	//         live    : staging
	//
	// ============================================================
	// Total: 2 resource(s) drifted, 3 field(s) changed
}

func ExampleJSON() {
	r := report.New("", []report.Resource{
		{APIVersion: "v1", Kind: "Namespace", Name: "demo", Status: report.StatusInSync},
	})
	if err := report.JSON(os.Stdout, r); err != nil {
		panic(err)
	}
	// Output:
	// {
	//   "revision": "",
	//   "summary": {
	//     "resources": 1,
	//     "drifted": 0,
	//     "fields": 0,
	//     "missing": 0,
	//     "errors": 0
	//   },
	//   "resources": [
	//     {
	//       "apiVersion": "v1",
	//       "kind": "Namespace",
	//       "namespace": "",
	//       "name": "demo",
	//       "status": "in-sync",
	//       "action": "",
	//       "fields": []
	//     }
	//   ]
	// }
}
