package attribution_test

import (
	"fmt"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// The auditor's view of a Deployment (owners from managedFields) joined with the records the
// webhook wrote: the image names alice; nobody recorded the label's change.
func ExampleAttribute() {
	at := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	fields := []diff.Field{
		{Path: "spec.template.spec.containers[name=web].image", Desired: "nginx:1.25", Live: "nginx:1.19",
			Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: at}},
		{Path: "metadata.labels.tier", Desired: "web", Live: "db",
			Owner: &diff.Owner{Manager: "kubectl-label", Operation: "Update", Time: at.Add(time.Minute)}},
	}
	recs := []attribution.Record{{
		User: "alice@example.com", Groups: []string{"dev"}, Manager: "kubectl-set", Operation: "Update",
		Time: at, Paths: []string{"spec.template.spec.containers[name=web].image"},
	}}
	for _, f := range attribution.Attribute(fields, recs, attribution.Options{Now: at.Add(time.Hour / 2)}) {
		fmt.Printf("%s: %s\n", f.Path, f.Owner)
	}
	// Output:
	// spec.template.spec.containers[name=web].image: kubectl-set (Update, 2026-12-04T10:00:07Z) by alice@example.com
	// metadata.labels.tier: kubectl-label (Update, 2026-12-04T10:01:07Z), user unknown (not seen at admission)
}
