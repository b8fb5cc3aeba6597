package policyreport

import (
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// secretValue is a Secret's value that must never reach a report.
const secretValue = "s3cr3t-value"

// auditReport returns a report of one audit: drift in two namespaces and in a cluster-scoped
// object, a namespace in sync, a remediated object, an unreadable one and a drifted Secret.
func auditReport() report.Report {
	return report.New("0123abc", []report.Resource{
		{
			APIVersion: "apps/v1", Kind: "Deployment", Namespace: "team-a", Name: "web",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{
				{Path: "spec.replicas", Desired: int64(3), Live: int64(5)},
				{Path: "spec.template.spec.containers[name=web].image", Desired: "web:1.0", Live: "web:1.1"},
			},
		},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "team-a", Name: "settings", Status: report.StatusInSync},
		{
			APIVersion: "v1", Kind: "Secret", Namespace: "team-a", Name: "db",
			Status: report.StatusDrifted, Action: report.ActionRemediationFailed,
			Fields: []diff.Field{{Path: "data.password", Desired: secretValue, Live: secretValue + "2"}},
			Error:  "Secret team-a/db is invalid: data.password: " + secretValue,
		},
		{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "team-b", Name: "flags",
			Status: report.StatusMissing, Action: report.ActionBlocked,
		},
		{
			APIVersion: "v1", Kind: "Service", Namespace: "team-b", Name: "web",
			Status: report.StatusDrifted, Action: report.ActionRemediated,
			Fields: []diff.Field{{Path: "spec.ports[port=80].targetPort", Desired: int64(8080), Live: int64(80)}},
		},
		{
			APIVersion: "example.com/v1", Kind: "Widget", Namespace: "team-b", Name: "w1",
			Status: report.StatusError, Error: `no matches for kind "Widget" in version "example.com/v1"`,
		},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "team-c", Name: "quiet", Status: report.StatusInSync},
		{
			// drift found in the cache, gone when read to be repaired: in sync, no result
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "team-c", Name: "settled",
			Status: report.StatusDrifted, Action: report.ActionResolvedMeanwhile,
			Fields: []diff.Field{{Path: "data.mode", Desired: "on", Live: "off"}},
		},
		{
			APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: "reader",
			Status: report.StatusDrifted, Action: report.ActionDryRun,
			Fields: []diff.Field{{Path: "rules[0].verbs", Desired: []any{"get"}, Live: []any{"get", "delete"}}},
		},
	})
}

// uids returns the UID of every object the cluster has in auditReport.
func uids(res *report.Resource) string {
	if res.Status == report.StatusMissing {
		return ""
	}
	return "uid-" + res.Name
}
