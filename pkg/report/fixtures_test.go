package report

import "github.com/gitops-drift/gitops-drift/pkg/diff"

// driftedResources returns one resource of each status, in no particular order, with a masked
// Secret value, a map value, absent values and a cluster-scoped object.
func driftedResources() []Resource {
	return []Resource{
		{
			APIVersion: "v1", Kind: "Secret", Namespace: "demo", Name: "db-credentials",
			Status: StatusDrifted, Action: ActionRemediated,
			Fields: []diff.Field{{Path: "data.password", Desired: "***", Live: "***"}},
		},
		{
			APIVersion: "apps/v1", Kind: "Deployment", Namespace: "demo", Name: "web",
			Status: StatusDrifted, Action: ActionBlocked,
			Fields: []diff.Field{
				{Path: "spec.replicas", Desired: int64(3), Live: int64(5)},
				{
					Path:    "spec.template.spec.containers[name=web].resources.limits",
					Desired: map[string]any{"cpu": "500m", "memory": "256Mi"},
					Live:    map[string]any{"cpu": "1"},
				},
				{Path: "spec.template.spec.containers[name=web].args", Desired: []any{"--verbose", true}, Live: nil},
				{Path: "spec.paused", Desired: nil, Live: false},
			},
		},
		{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "demo", Name: "in-sync",
			Status: StatusInSync,
		},
		{
			APIVersion: "v1", Kind: "Namespace", Name: "demo",
			Status: StatusDrifted, Action: ActionDryRun,
			Fields: []diff.Field{{Path: "metadata.labels.env", Desired: "production", Live: "staging"}},
		},
		{
			APIVersion: "v1", Kind: "Service", Namespace: "demo", Name: "web",
			Status: StatusMissing, Action: ActionCreated,
		},
		{
			APIVersion: "example.com/v1", Kind: "Widget", Namespace: "demo", Name: "w1",
			Status: StatusError, Action: ActionNone,
			Error: `get example.com/v1, Kind=Widget demo/w1: no matches for kind "Widget"`,
		},
		{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "demo", Name: "app-config",
			Status: StatusDrifted, // empty Action is shown as drift-detected
			Fields: []diff.Field{
				{Path: "data.LOG_LEVEL", Desired: "info", Live: "debug"},
				{Path: "data.RATIO", Desired: 0.5, Live: 0.75},
			},
		},
	}
}

// inSyncResources returns resources that all match the cluster.
func inSyncResources() []Resource {
	return []Resource{
		{APIVersion: "v1", Kind: "Namespace", Name: "demo", Status: StatusInSync, Action: ActionNone},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "demo", Name: "app-config", Status: StatusInSync},
	}
}
