package remediate

import (
	"maps"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
)

const (
	desiredDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns, labels: {app: web}, annotations: {note: git}, resourceVersion: "1"}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
        - {name: log, image: "busybox:1.36"}
status: {replicas: 2}
`
	liveDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  resourceVersion: "42"
  uid: u-1
  labels: {app: web, other: manager}
  annotations: {deployment.kubernetes.io/revision: "3"}
  managedFields: [{manager: kubectl}]
spec:
  replicas: 7
  strategy: {type: RollingUpdate}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: proxy, image: "envoy:1.30"}
        - {name: web, image: "nginx:1.19", terminationMessagePath: /dev/termination-log}
        - {name: log, image: "busybox:1.0"}
status: {replicas: 7}
`
	desiredService = `
apiVersion: v1
kind: Service
metadata: {name: np, namespace: ns, labels: {tier: web}}
spec:
  type: NodePort
  selector: {app: np}
  ports:
    - {port: 80, targetPort: 8080}
    - {port: 53, protocol: UDP}
`
	liveService = `
apiVersion: v1
kind: Service
metadata: {name: np, namespace: ns, resourceVersion: "9", labels: {tier: debug, added: by-hand}}
spec:
  type: NodePort
  selector: {app: np}
  clusterIP: 10.0.0.7
  clusterIPs: [10.0.0.7]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  sessionAffinity: None
  externalTrafficPolicy: Cluster
  ports:
    - {port: 80, protocol: TCP, targetPort: 8080, nodePort: 30080}
    - {port: 53, protocol: UDP, targetPort: 53, nodePort: 30053}
    - {port: 443, protocol: TCP, targetPort: 443, nodePort: 30443}
`
)

// TestApplyBody checks what server-side apply sends: Git's object, with ignored paths at their
// live values, and nothing else from live.
func TestApplyBody(t *testing.T) {
	tests := []struct {
		name    string
		desired string
		ignore  []string
		live    string
		want    string
	}{
		{
			name:    "no ignored paths: Git's object, without server metadata or status",
			desired: desiredDeployment,
			live:    liveDeployment,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns, labels: {app: web}, annotations: {note: git}, resourceVersion: "42"}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
        - {name: log, image: "busybox:1.36"}
`,
		},
		{
			name:    "ignored replicas and images take their live values, but no live-only container",
			desired: desiredDeployment,
			ignore:  []string{"spec.replicas", "spec.template.spec.containers[*].image"},
			live:    liveDeployment,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns, labels: {app: web}, annotations: {note: git}, resourceVersion: "42"}
spec:
  replicas: 7
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.19"}
        - {name: log, image: "busybox:1.0"}
`,
		},
		{
			name:    "an ignored path live lacks is left out",
			desired: desiredDeployment,
			ignore:  []string{"metadata.annotations.note", "spec.template.spec.containers[name=log]"},
			live:    liveDeployment,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns, labels: {app: web}, annotations: {}, resourceVersion: "42"}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
        - {name: log, image: "busybox:1.0"}
`,
		},
		{
			name: "an ignored image of a container Git adds is sent as Git gives it",
			desired: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
        - {name: metrics, image: "exporter:2"}
`,
			ignore: []string{"spec.template.spec.containers[*].image"},
			live: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, resourceVersion: "8"}
spec:
  template:
    spec:
      containers:
        - {name: web, image: "nginx:1.19"}
`,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, resourceVersion: "8"}
spec:
  template:
    spec:
      containers:
        - {name: web, image: "nginx:1.19"}
        - {name: metrics, image: "exporter:2"}
`,
		},
		{
			name: "ignored positional items live lacks are all left out",
			desired: `
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: i}]
  tolerations: [{key: a}, {key: b}, {key: c}, {key: d}]
`,
			ignore: []string{"spec.tolerations[*]"},
			live: `
apiVersion: v1
kind: Pod
metadata: {name: p, resourceVersion: "3"}
spec:
  containers: [{name: c, image: i}]
  tolerations: [{key: x}, {key: "y"}]
`,
			want: `
apiVersion: v1
kind: Pod
metadata: {name: p, resourceVersion: "3"}
spec:
  containers: [{name: c, image: i}]
  tolerations: [{key: x}, {key: "y"}]
`,
		},
		{
			name: "a Secret's stringData is folded into data, and an ignored key keeps its live value",
			desired: `
apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {user: admin, password: hunter2}
data: {user: b2xk}
`,
			ignore: []string{"stringData.password"},
			live: `
apiVersion: v1
kind: Secret
metadata: {name: s, resourceVersion: "5"}
data: {user: b2xk, password: bGl2ZQ==}
`,
			want: `
apiVersion: v1
kind: Secret
metadata: {name: s, resourceVersion: "5"}
data: {user: YWRtaW4=, password: bGl2ZQ==}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, tt.desired, tt.ignore...)
			before := runtime.DeepCopyJSON(tg.Want())
			got, err := applyBody(tg, object(t, tt.live), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(data(t, tt.want), got.Object); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tg.Want()); diff != "" {
				t.Errorf("the target's object changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReplaceBody checks what a replace sends: Git's object, ignored paths at their live
// values, and the live values listed in carried that Git does not set.
func TestReplaceBody(t *testing.T) {
	tests := []struct {
		name    string
		desired string
		ignore  []string
		live    string
		want    string
	}{
		{
			name:    "deployment: other actors' metadata kept, other live fields dropped",
			desired: desiredDeployment,
			ignore:  []string{"spec.replicas"},
			live:    liveDeployment,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  resourceVersion: "42"
  labels: {app: web, other: manager}
  annotations: {note: git, deployment.kubernetes.io/revision: "3"}
spec:
  replicas: 7
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
        - {name: log, image: "busybox:1.36"}
status: {replicas: 7}
`,
		},
		{
			name: "replicas and pod-template metadata Git does not set are kept, key by key",
			desired: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}, annotations: {git: "yes"}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`,
			live: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, resourceVersion: "8"}
spec:
  replicas: 12
  template:
    metadata:
      labels: {app: web, canary: "true"}
      annotations: {git: "no", kubectl.kubernetes.io/restartedAt: "2026-11-24T10:00:00Z"}
    spec:
      containers: [{name: web, image: "nginx:1.19"}]
`,
			want: `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, resourceVersion: "8"}
spec:
  replicas: 12
  template:
    metadata:
      labels: {app: web, canary: "true"}
      annotations: {git: "yes", kubectl.kubernetes.io/restartedAt: "2026-11-24T10:00:00Z"}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`,
		},
		{
			name:    "NodePort service: allocated IPs and node ports kept, Git's label wins",
			desired: desiredService,
			live:    liveService,
			want: `
apiVersion: v1
kind: Service
metadata: {name: np, namespace: ns, resourceVersion: "9", labels: {tier: web, added: by-hand}}
spec:
  type: NodePort
  selector: {app: np}
  clusterIP: 10.0.0.7
  clusterIPs: [10.0.0.7]
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  ports:
    - {port: 80, targetPort: 8080, nodePort: 30080}
    - {port: 53, protocol: UDP, nodePort: 30053}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, tt.desired, tt.ignore...)
			got, err := replaceBody(tg, object(t, tt.live), nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(data(t, tt.want), got.Object); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestServiceTypeChange checks that a replace does not carry allocations the desired type
// cannot have.
func TestServiceTypeChange(t *testing.T) {
	tests := []struct {
		name, spec string
		want       []string
	}{
		{name: "ClusterIP", spec: `{ports: [{port: 80}]}`, want: []string{"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "ports"}},
		{name: "ExternalName", spec: `{type: ExternalName, externalName: db.example.com}`, want: []string{"externalName", "type"}},
		{name: "LoadBalancer", spec: `{type: LoadBalancer, ports: [{port: 80}]}`, want: []string{"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "ports", "type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, "{apiVersion: v1, kind: Service, metadata: {name: np}, spec: "+tt.spec+"}")
			got, err := replaceBody(tg, object(t, liveService), nil)
			if err != nil {
				t.Fatal(err)
			}
			spec, _ := got.Object["spec"].(map[string]any)
			if diff := cmp.Diff(tt.want, slices.Sorted(maps.Keys(spec))); diff != "" {
				t.Errorf("spec fields (-want +got):\n%s", diff)
			}
			ports, _ := spec["ports"].([]any)
			for _, p := range ports {
				_, hasNodePort := p.(map[string]any)["nodePort"]
				if want := tt.name == "LoadBalancer"; hasNodePort != want {
					t.Errorf("port %v: nodePort carried = %v, want %v", p, hasNodePort, want)
				}
			}
		})
	}
}
