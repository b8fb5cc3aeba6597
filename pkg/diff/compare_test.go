package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompareDeployment changes the desired or live testdata Deployment (whose live copy has
// server defaults, status, an Istio sidecar at index 0 and reordered containers, ports and env)
// and checks the drift reported.
func TestCompareDeployment(t *testing.T) {
	schema := deploymentSchema()
	frontend := container("frontend")
	tests := []struct {
		name          string
		mutateDesired func(t *testing.T, d map[string]any)
		mutateLive    func(t *testing.T, l map[string]any)
		ignore        string
		want          []Field
	}{
		{
			name: "server defaults, sidecar and reordered lists are no drift",
		},
		{
			name: "changed image",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustSet(t, l, frontend+".image", schema, "shop/frontend:1.4.1")
			},
			want: []Field{{Path: frontend + ".image", Desired: "shop/frontend:1.4.2", Live: "shop/frontend:1.4.1"}},
		},
		{
			name: "missing container is one field with the whole item",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustDelete(t, l, container("auth-proxy"), schema)
			},
			want: []Field{{
				Path: container("auth-proxy"),
				Desired: map[string]any{
					"name": "auth-proxy", "image": "shop/auth-proxy:2.0.1",
					"ports":     []any{map[string]any{"containerPort": 4180.0}},
					"resources": map[string]any{"limits": map[string]any{"cpu": 1.0, "memory": "128Mi"}},
				},
			}},
		},
		{
			name: "port with another protocol than the default is missing",
			mutateDesired: func(t *testing.T, d map[string]any) {
				mustSet(t, d, frontend+".ports[containerPort=9090,protocol=TCP].protocol", schema, "UDP")
			},
			want: []Field{{
				Path:    frontend + ".ports[containerPort=9090,protocol=UDP]",
				Desired: map[string]any{"name": "metrics", "containerPort": 9090.0, "protocol": "UDP"},
			}},
		},
		{
			name: "env value and quantity drift",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustSet(t, l, frontend+".env[name=LOG_FORMAT].value", schema, "text")
				mustSet(t, l, frontend+".resources.limits.memory", schema, "2Gi")
			},
			want: []Field{
				{Path: frontend + ".env[name=LOG_FORMAT].value", Desired: "json", Live: "text"},
				{Path: frontend + ".resources.limits.memory", Desired: "1Gi", Live: "2Gi"},
			},
		},
		{
			name: "status and server metadata in desired are never compared",
			mutateDesired: func(t *testing.T, d map[string]any) {
				d["status"] = map[string]any{"replicas": int64(7)}
				for _, f := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"} {
					mustSet(t, d, "metadata."+f, schema, "from-git")
				}
			},
		},
		{
			// creationTimestamp: null, as kubectl create --dry-run writes it, sorts before
			// the labels: the fields after a skipped one are still compared.
			name: "server metadata in desired does not end the comparison of its map",
			mutateDesired: func(t *testing.T, d map[string]any) {
				mustSet(t, d, "metadata.creationTimestamp", schema, nil)
			},
			mutateLive: func(t *testing.T, l map[string]any) {
				mustSet(t, l, "metadata.labels.env", schema, "dev")
			},
			want: []Field{{Path: "metadata.labels.env", Desired: "prod", Live: "dev"}},
		},
		{
			name: "label missing in live, replicas changed",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustDelete(t, l, "metadata.labels.env", schema)
				mustSet(t, l, "spec.replicas", schema, int64(5))
			},
			want: []Field{
				{Path: "metadata.labels.env", Desired: "prod"},
				{Path: "spec.replicas", Desired: 3.0, Live: int64(5)},
			},
		},
		{
			name: "args compare as a whole list",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustSet(t, l, frontend+".args", schema, []any{"--port=8080"})
			},
			want: []Field{{
				Path:    frontend + ".args",
				Desired: []any{"--port=8080", "--log-level=info"},
				Live:    []any{"--port=8080"},
			}},
		},
		{
			name: "ignore wildcard and prefix",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustSet(t, l, frontend+".image", schema, "other")
				mustSet(t, l, container("auth-proxy")+".image", schema, "other")
				mustSet(t, l, frontend+".resources.limits.cpu", schema, "2")
				mustSet(t, l, "metadata.labels.env", schema, "dev")
				mustSet(t, l, "spec.replicas", schema, int64(1))
			},
			ignore: "spec.template.spec.containers[*].image, spec.template.spec.containers[name=frontend].resources, metadata.labels",
			want:   []Field{{Path: "spec.replicas", Desired: 3.0, Live: int64(1)}},
		},
		{
			name: "ignore a keyed item by one of its keys",
			mutateLive: func(t *testing.T, l map[string]any) {
				mustDelete(t, l, frontend+".ports[containerPort=9090,protocol=TCP]", schema)
			},
			ignore: frontend + ".ports[containerPort=9090]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired := loadObject(t, "deployment.desired.json", false)
			live := loadObject(t, "deployment.live.json", true)
			if tt.mutateDesired != nil {
				tt.mutateDesired(t, desired)
			}
			if tt.mutateLive != nil {
				tt.mutateLive(t, live)
			}
			ignore, err := ParsePaths(tt.ignore)
			if err != nil {
				t.Fatal(err)
			}
			got := Compare(desired, live, Options{Schema: schema, Ignore: ignore})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
		})
	}
}
