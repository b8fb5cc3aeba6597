package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// TestTextHandEdits checks how the text report shows hand edits: a changed default marked
// "(API default)" after the value Git implies, an added field against <absent>, and who made
// each change.
func TestTextHandEdits(t *testing.T) {
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	res := Resource{Kind: "Deployment", Namespace: "demo", Name: "app", Status: StatusDrifted, Action: ActionDryRun,
		Fields: []diff.Field{
			{Path: "spec.replicas", Desired: int64(1), Live: int64(5), Default: true,
				Owner: &diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale", Time: at}},
			{Path: "spec.template.spec.containers[name=app].imagePullPolicy", Desired: "IfNotPresent", Live: "Always", Default: true,
				Owner: &diff.Owner{Manager: "kubectl-patch", Operation: "Update", Time: at}},
			{Path: "metadata.labels.owner", Live: "me", Added: true, Owner: &diff.Owner{Manager: "kubectl-label", Operation: "Update"}},
		}}
	want := "Deployment/app (ns: demo)\n  Action : drift-detected (dry-run)\n  Fields : 3 drifted\n" +
		"    - spec.replicas\n        desired : 1 (API default)\n        live    : 5\n" +
		"        changed by : kubectl (Update /scale, 2026-11-30T09:00:00Z)\n" +
		"    - spec.template.spec.containers[name=app].imagePullPolicy\n        desired : IfNotPresent (API default)\n        live    : Always\n" +
		"        changed by : kubectl-patch (Update, 2026-11-30T09:00:00Z)\n" +
		"    - metadata.labels.owner\n        desired : <absent>\n        live    : me\n" +
		"        changed by : kubectl-label (Update)\n\n"
	var b bytes.Buffer
	writeResource(&b, res)
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("writeResource() (-want +got):\n%s", diff)
	}
}
