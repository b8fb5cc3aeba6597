package policyreport_test

import (
	"fmt"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

func ExampleBuilder_Build() {
	r := report.New("0123abc", []report.Resource{
		{
			APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{{Path: "spec.replicas", Desired: int64(3), Live: int64(5)}},
		},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "shop", Name: "settings", Status: report.StatusInSync},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "blog", Name: "settings", Status: report.StatusInSync},
	})
	b := policyreport.NewBuilder(policyreport.Options{API: policyreport.OpenReports})
	for _, rep := range b.Build(r, time.Now(), nil) {
		fmt.Printf("%s %s/%s: %d fail\n", rep.Kind, rep.Metadata.Namespace, rep.Metadata.Name, rep.Summary.Fail)
		for _, res := range rep.Results {
			fmt.Printf("  %s %s %s: %s\n", res.Result, res.Resources[0].Kind, res.Resources[0].Name, res.Message)
		}
	}
	// Output:
	// Report blog/gitops-drift: 0 fail
	// Report shop/gitops-drift: 1 fail
	//   fail Deployment web: 1 field(s) drift from Git: spec.replicas
}
