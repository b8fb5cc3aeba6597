package drifttest

// Case is one kind of the table: Manifests are applied, Change (kubectl arguments, run in the
// fixture's namespace) makes them drift, and Want are the "Kind/name path" that must drift.
// Res names the object for kubectl. Kept are live fields Git does not set (server defaults,
// allocations) that remediation must leave as they are, whatever the strategy; ApplyKept are
// more of them that only server-side apply keeps (a replace drops what Git does not set).
type Case struct {
	Name      string
	Manifests string
	Res       string
	Change    [][]string
	Want      []string
	Kept      []string
	ApplyKept []string
}

// Deployment is a Deployment with two containers, ports, env and resources in forms the
// server rewrites (cpu "0.5" is stored as 500m).
const Deployment = `
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

// deploymentDefaults are fields the API server defaulted in Deployment.
func deploymentDefaults() []string {
	return []string{
		"spec.strategy",
		"spec.revisionHistoryLimit",
		"spec.progressDeadlineSeconds",
		"spec.template.spec.containers[name=web].terminationMessagePath",
		"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].protocol",
		"spec.template.spec.dnsPolicy",
	}
}

// KindCases returns the table of supported kinds: each case applies one kind, changes it with
// kubectl, and expects exactly the changed paths to drift.
func KindCases() []Case {
	return []Case{
		{
			Name:      "deployment image",
			Manifests: Deployment,
			Res:       "deployment/web",
			Change:    [][]string{{"set", "image", "deployment/web", "web=nginx:1.19"}},
			Want:      []string{"Deployment/web spec.template.spec.containers[name=web].image"},
			Kept:      deploymentDefaults(),
		},
		{
			Name:      "deployment resources and replicas",
			Manifests: Deployment,
			Res:       "deployment/web",
			Change: [][]string{
				{"set", "resources", "deployment/web", "-c", "web", "--limits=cpu=1,memory=1Gi"},
				{"scale", "deployment/web", "--replicas=5"},
			},
			Want: []string{
				"Deployment/web spec.replicas",
				"Deployment/web spec.template.spec.containers[name=web].resources.limits.cpu",
			},
			Kept: deploymentDefaults(),
		},
		{
			Name:      "deployment env and label",
			Manifests: Deployment,
			Res:       "deployment/web",
			Change: [][]string{
				{"set", "env", "deployment/web", "-c", "web", "MODE=debug"},
				// Added by a controller: not a hand edit, so not drift.
				{"set", "env", "deployment/web", "-c", "web", "--field-manager", "some-controller", "EXTRA=1"},
				{"label", "deployment/web", "app=other", "--overwrite"},
			},
			Want: []string{
				"Deployment/web metadata.labels.app",
				"Deployment/web spec.template.spec.containers[name=web].env[name=MODE].value",
			},
			Kept:      deploymentDefaults(),
			ApplyKept: []string{"spec.template.spec.containers[name=web].env[name=EXTRA]"},
		},
		{
			Name:      "deployment sidecar inserted at index 0 and containers reordered",
			Manifests: Deployment,
			Res:       "deployment/web",
			Change: [][]string{{"patch", "deployment/web", "--field-manager", "sidecar-injector", "--type", "json", "-p", `[
			{"op":"add","path":"/spec/template/spec/containers/0","value":{"name":"proxy","image":"envoy:1.30"}},
			{"op":"move","from":"/spec/template/spec/containers/2","path":"/spec/template/spec/containers/1"}]`}},
			Want: []string{},
			Kept: append([]string{"spec.template.spec.containers[name=proxy]"}, deploymentDefaults()...),
		},
		{
			Name: "service clusterip port",
			Manifests: `
apiVersion: v1
kind: Service
metadata: {name: api, labels: {app: api}}
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: grpc, port: 9090}
`,
			Res:    "service/api",
			Change: [][]string{{"patch", "service/api", "--type", "json", "-p", `[{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}]`}},
			Want:   []string{"Service/api spec.ports[port=80,protocol=TCP].targetPort"},
			Kept:   []string{"spec.clusterIP", "spec.clusterIPs", "spec.ipFamilies", "spec.ipFamilyPolicy", "spec.sessionAffinity", "spec.type"},
		},
		{
			Name: "service nodeport label",
			Manifests: `
apiVersion: v1
kind: Service
metadata: {name: np, labels: {tier: web}}
spec:
  type: NodePort
  selector: {app: np}
  ports:
    - {port: 80, targetPort: 8080}
`,
			Res:    "service/np",
			Change: [][]string{{"label", "service/np", "tier=debug", "--overwrite"}},
			Want:   []string{"Service/np metadata.labels.tier"},
			Kept:   []string{"spec.clusterIP", "spec.ports[port=80,protocol=TCP].nodePort", "spec.externalTrafficPolicy"},
		},
		{
			Name: "headless service selector",
			Manifests: `
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - {port: 5432}
`,
			Res:    "service/db",
			Change: [][]string{{"patch", "service/db", "--type", "merge", "-p", `{"spec":{"selector":{"app":"other"}}}`}},
			Want:   []string{"Service/db spec.selector"}, // atomic: reported whole
			Kept:   []string{"spec.clusterIPs", "spec.ipFamilies", "spec.sessionAffinity"},
		},
		{
			Name: "configmap data",
			Manifests: `
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  annotations: {}
  labels: {"app.kubernetes.io/name": cfg}
data: {LOG_LEVEL: info, TTL: "300"}
`,
			Res: "configmap/cfg",
			Change: [][]string{
				{"patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"LOG_LEVEL":"debug"}}`},
				{"patch", "configmap/cfg", "--field-manager", "some-controller", "--type", "merge", "-p", `{"data":{"EXTRA":"x"}}`},
				{"label", "configmap/cfg", "app.kubernetes.io/name=other", "--overwrite"},
			},
			Want: []string{
				`ConfigMap/cfg data.LOG_LEVEL`,
				`ConfigMap/cfg metadata.labels["app.kubernetes.io/name"]`,
			},
			ApplyKept: []string{"data.EXTRA"},
		},
		{
			Name: "statefulset volumeClaimTemplates",
			Manifests: `
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
			Res:    "statefulset/db",
			Change: [][]string{{"set", "image", "statefulset/db", "db=postgres:15"}},
			Want:   []string{"StatefulSet/db spec.template.spec.containers[name=db].image"},
			Kept:   []string{"spec.podManagementPolicy", "spec.updateStrategy", "spec.volumeClaimTemplates[0].spec.volumeMode"},
		},
		{
			Name: "daemonset",
			Manifests: `
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
			Res:    "daemonset/agent",
			Change: [][]string{{"set", "resources", "daemonset/agent", "--limits=memory=128Mi"}},
			Want:   []string{"DaemonSet/agent spec.template.spec.containers[name=agent].resources.limits.memory"},
			Kept:   []string{"spec.updateStrategy", "spec.template.spec.containers[name=agent].terminationMessagePath"},
		},
		{
			Name: "cronjob schedule",
			Manifests: `
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
			Res:    "cronjob/backup",
			Change: [][]string{{"patch", "cronjob/backup", "--type", "merge", "-p", `{"spec":{"schedule":"*/5 * * * *"}}`}},
			Want:   []string{"CronJob/backup spec.schedule"},
			Kept:   []string{"spec.concurrencyPolicy", "spec.suspend", "spec.successfulJobsHistoryLimit"},
		},
		{
			Name: "ingress backend",
			Manifests: `
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
			Res:    "ingress/web",
			Change: [][]string{{"patch", "ingress/web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`}},
			Want:   []string{"Ingress/web spec.rules[0].http.paths[0].backend.service.port.number"},
		},
		{
			Name: "serviceaccount",
			Manifests: `
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, labels: {team: a}}
automountServiceAccountToken: false
`,
			Res:    "serviceaccount/app",
			Change: [][]string{{"patch", "serviceaccount/app", "--type", "merge", "-p", `{"automountServiceAccountToken":true}`}},
			Want:   []string{"ServiceAccount/app automountServiceAccountToken"},
		},
		{
			Name: "hpa",
			Manifests: `
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
			Res:    "hpa/web",
			Change: [][]string{{"patch", "hpa/web", "--type", "merge", "-p", `{"spec":{"maxReplicas":20}}`}},
			Want:   []string{"HorizontalPodAutoscaler/web spec.maxReplicas"},
		},
		{
			Name: "crd-backed kind",
			Manifests: `
apiVersion: example.gitops.io/v1
kind: Widget
metadata: {name: w}
spec:
  color: blue
  parts: [{name: a, count: 1}, {name: b, count: 2}]
`,
			Res: "widget/w",
			Change: [][]string{
				{"patch", "widget/w", "--field-manager", "some-controller", "--type", "json", "-p", `[{"op":"add","path":"/spec/parts/0","value":{"name":"injected","count":9}}]`},
				{"patch", "widget/w", "--type", "json", "-p", `[{"op":"replace","path":"/spec/parts/2/count","value":3}]`},
			},
			Want:      []string{"Widget/w spec.parts[name=b].count"},
			Kept:      []string{"spec.size"},
			ApplyKept: []string{"spec.parts[name=injected]"},
		},
	}
}
