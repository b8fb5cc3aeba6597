package remediate_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// carryCase is one entry (or a few) of the carry list, tested against the real server: Git's
// object (with NS standing for the test's namespace, to name cluster-scoped objects) sets
// metadata.labels.app to "carry" and not the carried fields; other is what another actor (a
// controller, kubectl, an injector) does to it; a replace after label app drifted must
// restore the label, be accepted, and leave every path as other left it.
type carryCase struct {
	carries []string // as remediate.CarriedIDs names them
	git     string
	res     string
	other   [][]string // kubectl arguments
	paths   []string
}

const cmCarry = `
apiVersion: v1
kind: ConfigMap
metadata: {name: c, labels: {app: carry}}
data: {a: "1"}
`

const deployCarry = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: carry}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`

func merge(res, patch string) []string {
	return []string{"patch", res, "--type", "merge", "-p", patch}
}

func carryCases(caPEM string) []carryCase {
	webhook := func(kind string) string {
		return `
apiVersion: admissionregistration.k8s.io/v1
kind: ` + kind + `
metadata: {name: NS, labels: {app: carry}}
webhooks:
  - name: carry.example.com
    clientConfig: {url: "https://127.0.0.1:1/never"}
    rules: [{operations: [CREATE], apiGroups: [example.invalid], apiVersions: [v1], resources: [nothings]}]
    sideEffects: None
    admissionReviewVersions: [v1]
    failurePolicy: Ignore
    namespaceSelector: {matchLabels: {never: match}}
`
	}
	addCA := `[{"op":"add","path":"/webhooks/0/clientConfig/caBundle","value":"` + caPEM + `"}]`
	return []carryCase{
		{carries: []string{"* metadata.labels"}, git: cmCarry, res: "configmap/c",
			other: [][]string{{"label", "configmap/c", "other=kept"}}, paths: []string{"metadata.labels.other"}},
		{carries: []string{"* metadata.annotations"}, git: cmCarry, res: "configmap/c",
			other: [][]string{{"annotate", "configmap/c", "other=kept"}}, paths: []string{"metadata.annotations.other"}},
		{carries: []string{"* metadata.finalizers"}, git: cmCarry, res: "configmap/c",
			other: [][]string{merge("configmap/c", `{"metadata":{"finalizers":["example.com/keep"]}}`)}, paths: []string{"metadata.finalizers"}},
		{carries: []string{"* metadata.ownerReferences"}, git: cmCarry, res: "configmap/c",
			other: [][]string{merge("configmap/c", `{"metadata":{"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"00000000-0000-0000-0000-000000000001"}]}}`)},
			paths: []string{"metadata.ownerReferences"}},
		{carries: []string{"* status"}, res: "counter/c",
			git:   "\napiVersion: example.gitops.io/v1\nkind: Counter\nmetadata: {name: c, labels: {app: carry}}\nspec: {size: 2}\n",
			other: [][]string{merge("counter/c", `{"status":{"phase":"Ready"}}`)}, paths: []string{"status.phase"}},
		{carries: []string{"* spec.replicas"}, git: deployCarry, res: "deployment/web",
			other: [][]string{{"scale", "deployment/web", "--replicas=12"}}, paths: []string{"spec.replicas"}},
		{carries: []string{"* spec.template.metadata.labels"}, git: deployCarry, res: "deployment/web",
			other: [][]string{merge("deployment/web", `{"spec":{"template":{"metadata":{"labels":{"canary":"true"}}}}}`)},
			paths: []string{"spec.template.metadata.labels.canary"}},
		{carries: []string{"* spec.template.metadata.annotations"}, git: deployCarry, res: "deployment/web",
			other: [][]string{{"rollout", "restart", "deployment/web"}},
			paths: []string{`spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`}},
		{carries: []string{"CronJob.batch spec.jobTemplate.spec.template.metadata.labels", "CronJob.batch spec.jobTemplate.spec.template.metadata.annotations"},
			res: "cronjob/nightly", git: `
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, labels: {app: carry}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: "busybox:1.36"}]
`,
			other: [][]string{merge("cronjob/nightly", `{"spec":{"jobTemplate":{"spec":{"template":{"metadata":{"labels":{"team":"x"},"annotations":{"injected":"yes"}}}}}}}`)},
			paths: []string{"spec.jobTemplate.spec.template.metadata.labels.team", "spec.jobTemplate.spec.template.metadata.annotations.injected"}},
		{carries: []string{"Service spec.clusterIP", "Service spec.clusterIPs", "Service spec.ipFamilies", "Service spec.ipFamilyPolicy", "Service spec.ports[*].nodePort"},
			res: "service/np", git: `
apiVersion: v1
kind: Service
metadata: {name: np, labels: {app: carry}}
spec:
  type: NodePort
  selector: {app: np}
  ports: [{port: 80}]
`,
			paths: []string{"spec.clusterIP", "spec.clusterIPs", "spec.ipFamilies", "spec.ipFamilyPolicy", "spec.ports[port=80,protocol=TCP].nodePort"}},
		{carries: []string{"Service spec.healthCheckNodePort"}, res: "service/lb", git: `
apiVersion: v1
kind: Service
metadata: {name: lb, labels: {app: carry}}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector: {app: lb}
  ports: [{port: 80}]
`,
			paths: []string{"spec.healthCheckNodePort"}},
		{carries: []string{"PersistentVolumeClaim spec.volumeName", "PersistentVolumeClaim spec.storageClassName"}, res: "pvc/data", git: `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, labels: {app: carry}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`,
			other: [][]string{merge("pvc/data", `{"spec":{"volumeName":"pv-bound","storageClassName":"standard"}}`)},
			paths: []string{"spec.volumeName", "spec.storageClassName"}},
		{carries: []string{"PersistentVolume spec.claimRef"}, res: "pv/NS", git: `
apiVersion: v1
kind: PersistentVolume
metadata: {name: NS, labels: {app: carry}}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/carry}
`,
			other: [][]string{merge("pv/NS", `{"spec":{"claimRef":{"namespace":"NS","name":"data"}}}`)}, paths: []string{"spec.claimRef"}},
		{carries: []string{"Job.batch spec.selector"}, res: "job/once", git: `
apiVersion: batch/v1
kind: Job
metadata: {name: once, labels: {app: carry}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: job, image: "busybox:1.36"}]
`,
			paths: []string{"spec.selector", `spec.template.metadata.labels["batch.kubernetes.io/controller-uid"]`}},
		{carries: []string{"Secret data"}, res: "secret/token", git: `
apiVersion: v1
kind: Secret
metadata:
  name: token
  labels: {app: carry}
  annotations: {kubernetes.io/service-account.name: robot}
type: kubernetes.io/service-account-token
`,
			other: [][]string{{"create", "serviceaccount", "robot"}, merge("secret/token", `{"data":{"token":"dG9rZW4=","namespace":"bnM="}}`)},
			paths: []string{"data.token", "data.namespace"}},
		{carries: []string{"ClusterRole.rbac.authorization.k8s.io rules"}, res: "clusterrole/NS", git: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NS, labels: {app: carry}}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to: NS}}]
`,
			other: [][]string{merge("clusterrole/NS", `{"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}`)}, paths: []string{"rules"}},
		{carries: []string{"ValidatingWebhookConfiguration.admissionregistration.k8s.io webhooks[*].clientConfig.caBundle"},
			res: "validatingwebhookconfiguration/NS", git: webhook("ValidatingWebhookConfiguration"),
			other: [][]string{{"patch", "validatingwebhookconfiguration/NS", "--type", "json", "-p", addCA}},
			paths: []string{"webhooks[name=carry.example.com].clientConfig.caBundle"}},
		{carries: []string{"MutatingWebhookConfiguration.admissionregistration.k8s.io webhooks[*].clientConfig.caBundle"},
			res: "mutatingwebhookconfiguration/NS", git: webhook("MutatingWebhookConfiguration"),
			other: [][]string{{"patch", "mutatingwebhookconfiguration/NS", "--type", "json", "-p", addCA}},
			paths: []string{"webhooks[name=carry.example.com].clientConfig.caBundle"}},
		{carries: []string{"CustomResourceDefinition.apiextensions.k8s.io spec.conversion.webhook.clientConfig.caBundle"},
			res: "crd/NS.carry.example.com", git: `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: NS.carry.example.com, labels: {app: carry}}
spec:
  group: carry.example.com
  names: {kind: Thing, plural: NS, singular: NS, listKind: ThingList}
  scope: Namespaced
  conversion:
    strategy: Webhook
    webhook:
      conversionReviewVersions: [v1]
      clientConfig: {url: "https://127.0.0.1:1/convert"}
  versions:
    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
    - {name: v2, served: true, storage: false, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`,
			other: [][]string{merge("crd/NS.carry.example.com", `{"spec":{"conversion":{"webhook":{"clientConfig":{"caBundle":"`+caPEM+`"}}}}}`)},
			paths: []string{"spec.conversion.webhook.clientConfig.caBundle"}},
	}
}

// caBundle returns a CA certificate, PEM, base64-encoded as caBundle fields hold it, as a CA
// injector writes it.
func caBundle(t *testing.T) string {
	t.Helper()
	b, err := certs.Generate(certs.Options{DNSNames: []string{"carry.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.CA)
}

// TestEveryCarryIsTested fails when an entry of the carry list has no case in
// TestReplaceCarries, or a case names an entry that is not in the list.
func TestEveryCarryIsTested(t *testing.T) {
	var tested []string
	for _, tc := range carryCases("") {
		tested = append(tested, tc.carries...)
	}
	slices.Sort(tested)
	want := remediate.CarriedIDs()
	slices.Sort(want)
	if diff := cmp.Diff(want, tested); diff != "" {
		t.Errorf("carry list (-want) against tested entries (+got):\n%s", diff)
	}
}

// TestReplaceCarries tests each entry of the replace strategy's carry list against the real
// server (see carryCase).
func TestReplaceCarries(t *testing.T) {
	ca := ""
	if env != nil {
		ca = caBundle(t)
	}
	for _, tc := range carryCases(ca) {
		t.Run(strings.Join(tc.carries, " + "), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "")
			ns := strings.ReplaceAll
			git := ns(tc.git, "NS", f.NS)
			if err := os.WriteFile(filepath.Join(f.Dir, "desired.yaml"), []byte(git), 0o600); err != nil {
				t.Fatal(err)
			}
			f.Kubectl(t, "apply", "-f", f.Dir)
			res := ns(tc.res, "NS", f.NS)
			for _, args := range tc.other {
				for i := range args {
					if !strings.Contains(args[i], "caBundle") { // the CA's base64 may hold "NS"
						args[i] = ns(args[i], "NS", f.NS)
					}
				}
				// Another actor (a controller), not a hand edit, which would be drift. kubectl
				// scale has no --field-manager: the server names it "kubectl", not a hand edit.
				if args[0] != "scale" {
					args = append(args, "--field-manager", "other-actor")
				}
				f.Kubectl(t, args...)
			}
			f.Kubectl(t, "label", res, "app=drifted", "--overwrite")
			before := values(t, f, tc.paths)

			r := f.remediate(t, remediate.StrategyReplace, nil)
			kind := f.Desired(t).Targets[0].Key.Kind
			name := f.Desired(t).Targets[0].Key.Name
			if diff := cmp.Diff([]string{kind + "/" + name + " remediated"}, actions(r)); diff != "" {
				t.Fatalf("actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, values(t, f, tc.paths)); diff != "" {
				t.Errorf("carried fields changed (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
		})
	}
}
