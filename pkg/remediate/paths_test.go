package remediate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	gdschema "github.com/gitops-drift/gitops-drift/pkg/schema"
)

const livePod = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, "app.kubernetes.io/name": web}}
spec:
  replicas: 5
  template:
    spec:
      containers:
        - {name: proxy, image: envoy, ports: [{containerPort: 15001}]}
        - {name: web, image: nginx, ports: [{containerPort: 80, protocol: TCP}, {containerPort: 81, protocol: UDP}]}
      tolerations: [{key: a}, {key: b}]
`

func deploymentSchema(t *testing.T) *diff.Schema {
	t.Helper()
	s, ok := gdschema.BuiltIn(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"})
	if !ok {
		t.Fatal("no built-in Deployment schema")
	}
	return s
}

func TestExpand(t *testing.T) {
	live := object(t, livePod).Object
	s := deploymentSchema(t)
	tests := []struct {
		pattern string
		want    []string
	}{
		{pattern: "spec.replicas", want: []string{"spec.replicas"}},
		{pattern: "spec.paused", want: nil},
		{pattern: `metadata.labels["app.kubernetes.io/name"]`, want: []string{`metadata.labels["app.kubernetes.io/name"]`}},
		{
			pattern: "spec.template.spec.containers[*].image",
			want:    []string{"spec.template.spec.containers[name=proxy].image", "spec.template.spec.containers[name=web].image"},
		},
		{pattern: "spec.template.spec.containers[name=web]", want: []string{"spec.template.spec.containers[name=web]"}},
		{
			// A partial key covers every item with that key value; a missing protocol is TCP.
			pattern: "spec.template.spec.containers[*].ports[containerPort=15001]",
			want:    []string{"spec.template.spec.containers[name=proxy].ports[containerPort=15001,protocol=TCP]"},
		},
		{pattern: "spec.template.spec.containers[name=nope].image", want: nil},
		// An atomic list is named by position.
		{pattern: "spec.template.spec.tolerations[*].key", want: []string{"spec.template.spec.tolerations[0].key", "spec.template.spec.tolerations[1].key"}},
		{pattern: "spec.template.spec.tolerations[1]", want: []string{"spec.template.spec.tolerations[1]"}},
		// A position does not name an item of a list-map, as in the drift check.
		{pattern: "spec.template.spec.containers[0].image", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			var got []string
			for _, p := range expand(live, path(t, tt.pattern), s) {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("expand(%s) (-want +got):\n%s", tt.pattern, diff)
			}
		})
	}
}

func TestExpandWithoutSchema(t *testing.T) {
	live := object(t, `{spec: {parts: [{name: a, count: 1}, {name: b, count: 2}], pos: [{count: 1}]}}`).Object
	var got []string
	for _, pattern := range []string{"spec.parts[*].count", "spec.pos[*].count"} {
		for _, p := range expand(live, path(t, pattern), nil) {
			got = append(got, p.String())
		}
	}
	want := []string{"spec.parts[name=a].count", "spec.parts[name=b].count", "spec.pos[0].count"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
