package normalize

import "testing"

// TestEmptyListBecomesAbsent pins the package's promise that an empty list is absent once
// normalised, as the API server stores it (protobuf has no empty list). The Go types alone
// drop the empty lists of omitempty fields (a container's env); those of fields the Go type
// always writes (a ClusterRole's rules, a Pod's containers) only the round trip through
// protobuf drops.
func TestEmptyListBecomesAbsent(t *testing.T) {
	tests := []struct {
		name     string
		in, want string
	}{
		{
			name: "an aggregated ClusterRole's rules",
			in: `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: view-extra},
  aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}, rules: []}`,
			want: `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: view-extra},
  aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}}`,
		},
		{
			name: "a Role's rules",
			in:   `{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: nothing}, rules: []}`,
			want: `{apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: nothing}}`,
		},
		{
			name: "a Pod's containers",
			in:   `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}`,
			want: `{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {}}`,
		},
		{
			name: "a NetworkPolicy's ingress",
			in:   `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny}, spec: {podSelector: {}, ingress: [], policyTypes: [Ingress]}}`,
			want: `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: deny}, spec: {podSelector: {}, policyTypes: [Ingress]}}`,
		},
		{
			name: "a Deployment's volumes, env and ports",
			in: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}},
    spec: {volumes: [], containers: [{name: c, image: i, env: [], ports: []}]}}}}`,
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}},
    spec: {containers: [{name: c, image: i}]}}}}`,
		},
	}
	n := newNormalizer(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNormalize(t, n, tc.in, tc.want, nil)
		})
	}
}
