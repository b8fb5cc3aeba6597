package normalize

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestDefaulted checks the API server's defaults that Defaulted adds to a normalised object
// (those of a Deployment and a Service, as the kube-apiserver fills them in on create, less
// the allocated clusterIP and ipFamilies), that a kind without defaulters comes back as it
// is, and that the result shares nothing with its input.
func TestDefaulted(t *testing.T) {
	tests := []struct {
		name     string
		in, want string
	}{
		{
			name: "Deployment",
			in: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {selector: {matchLabels: {a: b}},
  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: "nginx:1.25", ports: [{containerPort: 80}]}]}}}}`,
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {progressDeadlineSeconds: 600, replicas: 1, revisionHistoryLimit: 10, selector: {matchLabels: {a: b}},
    strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}},
    template: {metadata: {labels: {a: b}}, spec: {
      containers: [{name: c, image: "nginx:1.25", imagePullPolicy: IfNotPresent, ports: [{containerPort: 80, protocol: TCP}],
        terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}],
      dnsPolicy: ClusterFirst, restartPolicy: Always, schedulerName: default-scheduler, terminationGracePeriodSeconds: 30}}}}`,
		},
		{
			name: "Service",
			in:   `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {selector: {a: b}, ports: [{port: 80}]}}`,
			want: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {selector: {a: b}, ports: [{port: 80, protocol: TCP, targetPort: 80}],
  internalTrafficPolicy: Cluster, sessionAffinity: None, type: ClusterIP}}`,
		},
		{
			name: "an aggregated ClusterRole, whose rules stay absent",
			in:   `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: v}, aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}, rules: []}`,
			want: `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: v}, aggregationRule: {clusterRoleSelectors: [{matchLabels: {agg: "true"}}]}}`,
		},
		{
			name: "a custom resource without its CRD",
			in:   `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {mode: fast, list: [{a: 1}]}}`,
			want: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {mode: fast, list: [{a: 1}]}}`,
		},
	}
	n := newNormalizer(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obj := parse(t, tc.in)
			norm, err := n.Normalize(obj)
			if err != nil {
				t.Fatal(err)
			}
			before := runtime.DeepCopyJSON(norm.Object)
			got, err := n.Defaulted(norm.Object, obj.GroupVersionKind())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(parse(t, tc.want).Object, got); diff != "" {
				t.Errorf("Defaulted (-want +got):\n%s", diff)
			}
			got["spec"] = "changed"
			if md, ok := got["metadata"].(map[string]any); ok {
				md["name"] = "changed"
			}
			if diff := cmp.Diff(before, norm.Object); diff != "" {
				t.Errorf("changing Defaulted's result changed its input (-before +after):\n%s", diff)
			}
		})
	}
}
