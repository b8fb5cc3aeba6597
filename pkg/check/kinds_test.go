package check_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          ports:
            - containerPort: 8080
          env:
            - {name: MODE, value: prod}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "0.5", memory: 1024Mi}
        - name: log
          image: busybox:1.36
          args: [tail, -f, /var/log/app.log]
`

// kindCases apply one kind, check that it is in sync, change it with kubectl, and check that
// exactly the changed paths drift.
var kindCases = []struct {
	name      string
	manifests string
	change    [][]string
	want      []string
}{
	{
		name:      "deployment image",
		manifests: deployment,
		change:    [][]string{{"set", "image", "deployment/web", "web=nginx:1.19"}},
		want:      []string{"Deployment/web spec.template.spec.containers[name=web].image"},
	},
	{
		name:      "deployment resources and replicas",
		manifests: deployment,
		change: [][]string{
			{"set", "resources", "deployment/web", "-c", "web", "--limits=cpu=1,memory=1Gi"},
			{"scale", "deployment/web", "--replicas=5"},
		},
		want: []string{
			"Deployment/web spec.replicas",
			"Deployment/web spec.template.spec.containers[name=web].resources.limits.cpu",
		},
	},
	{
		name:      "deployment env and label",
		manifests: deployment,
		change: [][]string{
			{"set", "env", "deployment/web", "-c", "web", "MODE=debug"},
			{"label", "deployment/web", "app=other", "--overwrite"},
		},
		want: []string{
			"Deployment/web metadata.labels.app",
			"Deployment/web spec.template.spec.containers[name=web].env[name=MODE].value",
		},
	},
	{
		name:      "deployment sidecar inserted at index 0 and containers reordered",
		manifests: deployment,
		change: [][]string{{"patch", "deployment/web", "--type", "json", "-p", `[
			{"op":"add","path":"/spec/template/spec/containers/0","value":{"name":"proxy","image":"envoy:1.30"}},
			{"op":"move","from":"/spec/template/spec/containers/2","path":"/spec/template/spec/containers/1"}]`}},
		want: []string{},
	},
	{
		name: "service clusterip port",
		manifests: `
apiVersion: v1
kind: Service
metadata: {name: api, labels: {app: api}}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: grpc, port: 9090}
`,
		change: [][]string{{"patch", "service/api", "--type", "json", "-p", `[{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}]`}},
		want:   []string{"Service/api spec.ports[port=80,protocol=TCP].targetPort"},
	},
	{
		name: "service nodeport label",
		manifests: `
apiVersion: v1
kind: Service
metadata: {name: np, labels: {tier: web}}
spec:
  type: NodePort
  selector: {app: np}
  ports:
    - {port: 80, targetPort: 8080}
`,
		change: [][]string{{"label", "service/np", "tier=debug", "--overwrite"}},
		want:   []string{"Service/np metadata.labels.tier"},
	},
	{
		name: "headless service selector",
		manifests: `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - {port: 5432}
`,
		change: [][]string{{"patch", "service/db", "--type", "merge", "-p", `{"spec":{"selector":{"app":"other"}}}`}},
		want:   []string{"Service/db spec.selector.app"},
	},
	{
		name: "configmap data",
		manifests: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  annotations: {}
  labels: {"app.kubernetes.io/name": cfg}
data: {LOG_LEVEL: info, TTL: "300"}
`,
		change: [][]string{
			{"patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"LOG_LEVEL":"debug","EXTRA":"x"}}`},
			{"label", "configmap/cfg", "app.kubernetes.io/name=other", "--overwrite"},
		},
		want: []string{
			`ConfigMap/cfg data.LOG_LEVEL`,
			`ConfigMap/cfg metadata.labels["app.kubernetes.io/name"]`,
		},
	},
	{
		name: "statefulset volumeClaimTemplates",
		manifests: `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`,
		change: [][]string{{"set", "image", "statefulset/db", "db=postgres:15"}},
		want:   []string{"StatefulSet/db spec.template.spec.containers[name=db].image"},
	},
	{
		name: "daemonset",
		manifests: `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: agent, image: "agent:1", resources: {limits: {memory: 64Mi}}}]
`,
		change: [][]string{{"set", "resources", "daemonset/agent", "--limits=memory=128Mi"}},
		want:   []string{"DaemonSet/agent spec.template.spec.containers[name=agent].resources.limits.memory"},
	},
	{
		name: "cronjob schedule",
		manifests: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: backup, image: "backup:1"}]
`,
		change: [][]string{{"patch", "cronjob/backup", "--type", "merge", "-p", `{"spec":{"schedule":"*/5 * * * *"}}`}},
		want:   []string{"CronJob/backup spec.schedule"},
	},
	{
		name: "ingress backend",
		manifests: `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
`,
		change: [][]string{{"patch", "ingress/web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`}},
		want:   []string{"Ingress/web spec.rules[0].http.paths[0].backend.service.port.number"},
	},
	{
		name: "serviceaccount",
		manifests: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, labels: {team: a}}
automountServiceAccountToken: false
`,
		change: [][]string{{"patch", "serviceaccount/app", "--type", "merge", "-p", `{"automountServiceAccountToken":true}`}},
		want:   []string{"ServiceAccount/app automountServiceAccountToken"},
	},
	{
		name: "hpa",
		manifests: `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
`,
		change: [][]string{{"patch", "hpa/web", "--type", "merge", "-p", `{"spec":{"maxReplicas":20}}`}},
		want:   []string{"HorizontalPodAutoscaler/web spec.maxReplicas"},
	},
	{
		name: "crd-backed kind",
		manifests: `
apiVersion: example.gitops.io/v1
kind: Widget
metadata: {name: w}
spec:
  color: blue
  parts: [{name: a, count: 1}, {name: b, count: 2}]
`,
		change: [][]string{{"patch", "widget/w", "--type", "json", "-p", `[
			{"op":"add","path":"/spec/parts/0","value":{"name":"injected","count":9}},
			{"op":"replace","path":"/spec/parts/2/count","value":3}]`}},
		want: []string{"Widget/w spec.parts[name=b].count"},
	},
}

func TestKindsInSyncThenDrift(t *testing.T) {
	for _, tc := range kindCases {
		t.Run(tc.name, func(t *testing.T) {
			f := apply(t, tc.manifests)
			if diff := cmp.Diff([]string{}, drifted(f.check(t))); diff != "" {
				t.Fatalf("drift right after apply (-want +got):\n%s", diff)
			}
			for _, args := range tc.change {
				f.kubectl(t, args...)
			}
			if diff := cmp.Diff(tc.want, drifted(f.check(t))); diff != "" {
				t.Errorf("drift after change (-want +got):\n%s", diff)
			}
		})
	}
}
