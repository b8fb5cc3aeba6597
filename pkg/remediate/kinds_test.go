package remediate_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// The manifests and drift of pkg/check's kind tests, for every kind the diff supports.

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

// deploymentDefaults are fields the API server defaulted in deployment.
var deploymentDefaults = []string{
	"spec.strategy",
	"spec.revisionHistoryLimit",
	"spec.progressDeadlineSeconds",
	"spec.template.spec.containers[name=web].terminationMessagePath",
	"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].protocol",
	"spec.template.spec.dnsPolicy",
}

// kindCases apply one kind, change it with kubectl, and expect exactly the changed paths to
// drift. res names the object for kubectl; kept are live fields Git does not set (server
// defaults, allocations) that remediation must leave as they are, whatever the strategy;
// applyKept are more of them that only apply keeps (a replace drops what Git does not set).
var kindCases = []struct {
	name      string
	manifests string
	res       string
	change    [][]string
	want      []string
	kept      []string
	applyKept []string
}{
	{
		name:      "deployment image",
		manifests: deployment,
		res:       "deployment/web",
		change:    [][]string{{"set", "image", "deployment/web", "web=nginx:1.19"}},
		want:      []string{"Deployment/web spec.template.spec.containers[name=web].image"},
		kept:      deploymentDefaults,
	},
	{
		name:      "deployment resources and replicas",
		manifests: deployment,
		res:       "deployment/web",
		change: [][]string{
			{"set", "resources", "deployment/web", "-c", "web", "--limits=cpu=1,memory=1Gi"},
			{"scale", "deployment/web", "--replicas=5"},
		},
		want: []string{
			"Deployment/web spec.replicas",
			"Deployment/web spec.template.spec.containers[name=web].resources.limits.cpu",
		},
		kept: deploymentDefaults,
	},
	{
		name:      "deployment env and label",
		manifests: deployment,
		res:       "deployment/web",
		change: [][]string{
			{"set", "env", "deployment/web", "-c", "web", "MODE=debug", "EXTRA=1"},
			{"label", "deployment/web", "app=other", "--overwrite"},
		},
		want: []string{
			"Deployment/web metadata.labels.app",
			"Deployment/web spec.template.spec.containers[name=web].env[name=MODE].value",
		},
		kept:      deploymentDefaults,
		applyKept: []string{"spec.template.spec.containers[name=web].env[name=EXTRA]"},
	},
	{
		name:      "deployment sidecar inserted at index 0 and containers reordered",
		manifests: deployment,
		res:       "deployment/web",
		change: [][]string{{"patch", "deployment/web", "--type", "json", "-p", `[
			{"op":"add","path":"/spec/template/spec/containers/0","value":{"name":"proxy","image":"envoy:1.30"}},
			{"op":"move","from":"/spec/template/spec/containers/2","path":"/spec/template/spec/containers/1"}]`}},
		want: []string{},
		kept: append([]string{"spec.template.spec.containers[name=proxy]"}, deploymentDefaults...),
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
		res:    "service/api",
		change: [][]string{{"patch", "service/api", "--type", "json", "-p", `[{"op":"replace","path":"/spec/ports/0/targetPort","value":9999}]`}},
		want:   []string{"Service/api spec.ports[port=80,protocol=TCP].targetPort"},
		kept:   []string{"spec.clusterIP", "spec.clusterIPs", "spec.ipFamilies", "spec.ipFamilyPolicy", "spec.sessionAffinity", "spec.type"},
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
		res:    "service/np",
		change: [][]string{{"label", "service/np", "tier=debug", "--overwrite"}},
		want:   []string{"Service/np metadata.labels.tier"},
		kept:   []string{"spec.clusterIP", "spec.ports[port=80,protocol=TCP].nodePort", "spec.externalTrafficPolicy"},
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
		res:    "service/db",
		change: [][]string{{"patch", "service/db", "--type", "merge", "-p", `{"spec":{"selector":{"app":"other"}}}`}},
		want:   []string{"Service/db spec.selector.app"},
		kept:   []string{"spec.clusterIPs", "spec.ipFamilies", "spec.sessionAffinity"},
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
		res: "configmap/cfg",
		change: [][]string{
			{"patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"LOG_LEVEL":"debug","EXTRA":"x"}}`},
			{"label", "configmap/cfg", "app.kubernetes.io/name=other", "--overwrite"},
		},
		want: []string{
			`ConfigMap/cfg data.LOG_LEVEL`,
			`ConfigMap/cfg metadata.labels["app.kubernetes.io/name"]`,
		},
		applyKept: []string{"data.EXTRA"},
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
		res:    "statefulset/db",
		change: [][]string{{"set", "image", "statefulset/db", "db=postgres:15"}},
		want:   []string{"StatefulSet/db spec.template.spec.containers[name=db].image"},
		kept:   []string{"spec.podManagementPolicy", "spec.updateStrategy", "spec.volumeClaimTemplates[0].spec.volumeMode"},
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
		res:    "daemonset/agent",
		change: [][]string{{"set", "resources", "daemonset/agent", "--limits=memory=128Mi"}},
		want:   []string{"DaemonSet/agent spec.template.spec.containers[name=agent].resources.limits.memory"},
		kept:   []string{"spec.updateStrategy", "spec.template.spec.containers[name=agent].terminationMessagePath"},
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
		res:    "cronjob/backup",
		change: [][]string{{"patch", "cronjob/backup", "--type", "merge", "-p", `{"spec":{"schedule":"*/5 * * * *"}}`}},
		want:   []string{"CronJob/backup spec.schedule"},
		kept:   []string{"spec.concurrencyPolicy", "spec.suspend", "spec.successfulJobsHistoryLimit"},
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
		res:    "ingress/web",
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
		res:    "serviceaccount/app",
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
		res:    "hpa/web",
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
		res: "widget/w",
		change: [][]string{{"patch", "widget/w", "--type", "json", "-p", `[
			{"op":"add","path":"/spec/parts/0","value":{"name":"injected","count":9}},
			{"op":"replace","path":"/spec/parts/2/count","value":3}]`}},
		want:      []string{"Widget/w spec.parts[name=b].count"},
		kept:      []string{"spec.size"},
		applyKept: []string{"spec.parts[name=injected]"},
	},
}

// otherLabel is a label another field manager (kubectl label) adds to every object.
const otherLabel = "example.com/added-by"

// TestKinds injects drift into every supported kind, remediates it with each strategy, and
// checks again: no drift is left, the report names the restored fields, and the live fields
// Git does not set are as they were.
func TestKinds(t *testing.T) {
	for _, s := range strategies {
		for _, tc := range kindCases {
			t.Run(string(s)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := apply(t, tc.manifests)
				f.kubectl(t, "label", tc.res, otherLabel+"=kubectl")
				for _, args := range tc.change {
					f.kubectl(t, args...)
				}
				kept := append([]string{`metadata.labels["` + otherLabel + `"]`}, tc.kept...)
				if s == remediate.StrategyApply {
					kept = append(kept, tc.applyKept...)
				}
				before := values(t, f, kept)

				r := f.remediate(t, s, nil)
				if diff := cmp.Diff(tc.want, restored(r)); diff != "" {
					t.Errorf("restored fields (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{}, drifted(f.check(t))); diff != "" {
					t.Errorf("drift after remediation (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(before, values(t, f, kept)); diff != "" {
					t.Errorf("live fields Git does not set changed (-before +after):\n%s", diff)
				}
				assertManager(t, f, s, len(tc.want) > 0)
			})
		}
	}
}

// restored returns "Kind/name path" for every field r says was restored.
func restored(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		if res.Action != report.ActionRemediated {
			continue
		}
		for _, f := range res.Fields {
			out = append(out, res.Kind+"/"+res.Name+" "+f.Path)
		}
	}
	return out
}

// values returns the live value at each path of the fixture's only object; a path that is
// not there is an error.
func values(t *testing.T, f *fixture, paths []string) map[string]any {
	t.Helper()
	d := f.desired(t)
	obj := f.live(t)[d.Targets[0].Key.Kind+"/"+d.Targets[0].Key.Name]
	out := map[string]any{}
	for _, raw := range paths {
		p, err := diff.ParsePath(raw)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := diff.Get(obj.Object, p, d.Targets[0].Schema)
		if !ok {
			t.Errorf("live object has nothing at %s", raw)
		}
		out[raw] = v
	}
	return out
}

// assertManager checks that the object's managedFields name gitops-drift with the operation
// of strategy s when it wrote, and do not name it otherwise.
func assertManager(t *testing.T, f *fixture, s remediate.Strategy, wrote bool) {
	t.Helper()
	want := map[remediate.Strategy]string{remediate.StrategyApply: "Apply", remediate.StrategyReplace: "Update"}[s]
	d := f.desired(t)
	obj := f.live(t)[d.Targets[0].Key.Kind+"/"+d.Targets[0].Key.Name]
	var got []string
	for _, m := range obj.GetManagedFields() {
		if m.Manager == "gitops-drift" {
			got = append(got, string(m.Operation))
		}
	}
	switch {
	case wrote && strings.Join(got, ",") != want:
		t.Errorf("managedFields of gitops-drift: operations %v, want [%s]", got, want)
	case !wrote && len(got) > 0:
		t.Errorf("gitops-drift wrote an object without drift: managedFields operations %v", got)
	}
}
