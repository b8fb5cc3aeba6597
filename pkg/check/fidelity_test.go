package check_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// fidelityCase is one rule of the comparison proven on the real API server in both directions:
// right after Git is applied (client-side and server-side) there is no drift, whatever form the
// server stored; after Change (kubectl arguments, or a manifest Applied by another field
// manager) exactly Want drifts, with these desired and live values. NAMESPACE in Manifests,
// Change and Want is replaced by the test's namespace (cluster-scoped names must be unique).
type fidelityCase struct {
	name      string
	manifests string
	change    [][]string
	applyAs   string // field manager that server-side applies applied (with force), if any
	applied   string
	want      []drift
}

// drift is one drifted field of one object, as a report gives it.
type drift struct {
	Object  string
	Path    string
	Desired any
	Live    any
}

func fidelityCases() []fidelityCase {
	return []fidelityCase{
		{
			name: "pointer false removed: allowPrivilegeEscalation",
			manifests: deployment(`
      containers:
        - name: app
          image: nginx:1.25
          securityContext: {allowPrivilegeEscalation: false, privileged: false}`),
			change: [][]string{{"patch", "deployment/app", "--type", "json", "-p",
				`[{"op":"remove","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation"}]`}},
			want: []drift{{"Deployment/app", "spec.template.spec.containers[name=app].securityContext.allowPrivilegeEscalation", false, nil}},
		},
		{
			name: "pointer false removed: automountServiceAccountToken",
			manifests: deployment(`
      automountServiceAccountToken: false
      hostNetwork: false
      containers:
        - {name: app, image: nginx:1.25, ports: [{containerPort: 80, hostPort: 0}]}`),
			change: [][]string{{"patch", "deployment/app", "--type", "json", "-p",
				`[{"op":"remove","path":"/spec/template/spec/automountServiceAccountToken"}]`}},
			want: []drift{{"Deployment/app", "spec.template.spec.automountServiceAccountToken", false, nil}},
		},
		{
			name: "PDB maxUnavailable 0 changed",
			manifests: `
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec:
  maxUnavailable: 0
  selector: {matchLabels: {app: app}}`,
			change: [][]string{{"patch", "pdb/pdb", "--type", "merge", "-p", `{"spec":{"maxUnavailable":1}}`}},
			want:   []drift{{"PodDisruptionBudget/pdb", "spec.maxUnavailable", int64(0), int64(1)}},
		},
		{
			name: "ConfigMap entry with an empty value removed",
			manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {empty: "", full: x}`,
			change: [][]string{{"patch", "configmap/cm", "--type", "json", "-p", `[{"op":"remove","path":"/data/empty"}]`}},
			want:   []drift{{"ConfigMap/cm", "data.empty", "", nil}},
		},
		{
			name: "emptyDir swapped for hostPath",
			manifests: deployment(`
      volumes:
        - {name: data, emptyDir: {}}
      containers:
        - {name: app, image: nginx:1.25}`),
			change: [][]string{{"patch", "deployment/app", "--type", "json", "-p",
				`[{"op":"replace","path":"/spec/template/spec/volumes/0","value":{"name":"data","hostPath":{"path":"/"}}}]`}},
			// The hostPath kubectl patch added is a hand edit too (TestHandEdits).
			want: []drift{
				{"Deployment/app", "spec.template.spec.volumes[name=data].emptyDir", map[string]any{}, nil},
				{"Deployment/app", "spec.template.spec.volumes[name=data].hostPath", nil, map[string]any{"path": "/", "type": ""}},
			},
		},
		{
			name: "Service selector gains a key",
			manifests: `
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  selector: {app: app}
  ports: [{port: 80}]`,
			change: [][]string{{"patch", "service/svc", "--type", "merge", "-p", `{"spec":{"selector":{"tier":"canary"}}}`}},
			want: []drift{{"Service/svc", "spec.selector",
				map[string]any{"app": "app"}, map[string]any{"app": "app", "tier": "canary"}}},
		},
		{
			name: "nodeSelector gains a key",
			manifests: deployment(`
      nodeSelector: {disk: ssd}
      containers:
        - {name: app, image: nginx:1.25}`),
			change: [][]string{{"patch", "deployment/app", "--type", "merge", "-p",
				`{"spec":{"template":{"spec":{"nodeSelector":{"zone":"b"}}}}}`}},
			want: []drift{{"Deployment/app", "spec.template.spec.nodeSelector",
				map[string]any{"disk": "ssd"}, map[string]any{"disk": "ssd", "zone": "b"}}},
		},
		{
			name: "duplicate env appended",
			manifests: deployment(`
      containers:
        - name: app
          image: nginx:1.25
          env: [{name: MODE, value: prod}]`),
			change: [][]string{{"patch", "deployment/app", "--type", "json", "-p",
				`[{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"MODE","value":"debug"}}]`}},
			want: []drift{{"Deployment/app", "spec.template.spec.containers[name=app].env[name=MODE]",
				map[string]any{"name": "MODE", "value": "prod"},
				[]any{map[string]any{"name": "MODE", "value": "prod"}, map[string]any{"name": "MODE", "value": "debug"}}}},
		},
		{
			name: "initContainers reordered",
			manifests: deployment(`
      initContainers:
        - {name: migrate, image: busybox:1.36}
        - {name: warm, image: busybox:1.36}
      containers:
        - {name: app, image: nginx:1.25}`),
			change: [][]string{{"patch", "deployment/app", "--type", "json", "-p",
				`[{"op":"move","from":"/spec/template/spec/initContainers/1","path":"/spec/template/spec/initContainers/0"}]`}},
			want: []drift{{"Deployment/app", "spec.template.spec.initContainers",
				[]any{"migrate", "warm"}, []any{"warm", "migrate"}}},
		},
		{
			name: "clusterIP and nodePort left to the server",
			manifests: `
apiVersion: v1
kind: Service
metadata: {name: np}
spec:
  type: NodePort
  clusterIP: ""
  selector: {app: app}
  ports: [{port: 80, targetPort: 8080, nodePort: 0}]`,
			change: [][]string{{"patch", "service/np", "--type", "json", "-p",
				`[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]`}},
			want: []drift{{"Service/np", "spec.ports[port=80,protocol=TCP].targetPort", int64(8080), int64(9090)}},
		},
		{
			name: "line-wrapped binaryData",
			manifests: `
apiVersion: v1
kind: ConfigMap
metadata: {name: bin}
binaryData:
  blob: |
    aGVsbG8gd29ybGQsIHRoaXMgaXMgYSBsb25nIGVub3VnaCB2YWx1ZSB0byB3cmFwIG9uIHR3byBs
    aW5lcw==`,
			change: [][]string{{"patch", "configmap/bin", "--type", "merge", "-p", `{"binaryData":{"blob":"b3RoZXI="}}`}},
			want: []drift{{"ConfigMap/bin", "binaryData.blob",
				"aGVsbG8gd29ybGQsIHRoaXMgaXMgYSBsb25nIGVub3VnaCB2YWx1ZSB0byB3cmFwIG9uIHR3byBsaW5lcw==", "b3RoZXI="}},
		},
		{
			name: "aggregated ClusterRole filled by the aggregation controller",
			manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAMESPACE-agg}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to: NAMESPACE}}]
rules: []`,
			applyAs: "clusterrole-aggregation-controller",
			applied: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAMESPACE-agg}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`,
		},
		{
			name: "aggregated ClusterRole with rules in Git, replaced by the controller",
			manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAMESPACE-agg3}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to: NAMESPACE}}]
rules: [{apiGroups: [""], resources: [configmaps], verbs: [list]}]`,
			applyAs: "clusterrole-aggregation-controller",
			applied: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAMESPACE-agg3}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]`,
		},
		{
			name: "aggregated ClusterRole selector edited",
			manifests: `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NAMESPACE-agg2}
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {aggregate-to: NAMESPACE}}]`,
			change: [][]string{{"patch", "clusterrole/NAMESPACE-agg2", "--type", "json", "-p",
				`[{"op":"replace","path":"/aggregationRule/clusterRoleSelectors/0/matchLabels","value":{"aggregate-to":"admin"}}]`}},
			want: []drift{{"ClusterRole/NAMESPACE-agg2", "aggregationRule.clusterRoleSelectors[0].matchLabels",
				map[string]any{"aggregate-to": "NAMESPACE"}, map[string]any{"aggregate-to": "admin"}}},
		},
		{
			name: "custom resource: removed false and defaults",
			manifests: `
apiVersion: fidelity.gitops.io/v1
kind: Gadget
metadata: {name: g}
spec: {enabled: false}`,
			change: [][]string{{"patch", "gadget/g", "--type", "json", "-p", `[{"op":"remove","path":"/spec/enabled"}]`}},
			want:   []drift{{"Gadget/g", "spec.enabled", false, nil}},
		},
		{
			name: "custom resource: atomic map gains a key",
			manifests: `
apiVersion: fidelity.gitops.io/v1
kind: Gadget
metadata: {name: g}
spec: {selector: {app: a}}`,
			change: [][]string{{"patch", "gadget/g", "--type", "merge", "-p", `{"spec":{"selector":{"x":"y"}}}`}},
			want: []drift{{"Gadget/g", "spec.selector",
				map[string]any{"app": "a"}, map[string]any{"app": "a", "x": "y"}}},
		},
		{
			name: "custom resource: free-form list of named items",
			manifests: `
apiVersion: fidelity.gitops.io/v1
kind: Gadget
metadata: {name: g}
spec:
  config:
    steps: [{name: build, run: make}, {name: test, run: make test}]`,
			change: [][]string{{"patch", "gadget/g", "--type", "json", "-p",
				`[{"op":"add","path":"/spec/config/steps/0","value":{"name":"lint","run":"vet"}},` +
					`{"op":"replace","path":"/spec/config/steps/2/run","value":"make check"}]`}},
			want: []drift{{"Gadget/g", "spec.config.steps[name=test].run", "make test", "make check"}},
		},
	}
}

// deployment returns a Deployment "app" whose pod spec is podSpec (indented six spaces).
func deployment(podSpec string) string {
	return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:` + podSpec
}

// TestFidelity proves each rule of the comparison on the real API server, for client-side and
// server-side apply.
func TestFidelity(t *testing.T) {
	for _, mode := range []string{"client-side", "server-side"} {
		for _, tc := range fidelityCases() {
			t.Run(mode+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := drifttest.New(t, env, "")
				ns := func(s string) string { return strings.ReplaceAll(s, "NAMESPACE", f.NS) }
				f.Write(t, ns(tc.manifests))
				if mode == "server-side" {
					f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
				} else {
					f.Kubectl(t, "apply", "-f", f.Dir)
				}
				if tc.applied != "" {
					applyAs(t, f, tc.applyAs, ns(tc.applied))
				}
				if diff := cmp.Diff([]drift{}, drifts(f.Check(t))); diff != "" {
					t.Fatalf("drift right after apply (-want +got):\n%s", diff)
				}
				for _, args := range tc.change {
					for i := range args {
						args[i] = ns(args[i])
					}
					f.Kubectl(t, args...)
				}
				want := []drift{}
				for _, d := range tc.want {
					d.Object, d.Path = ns(d.Object), ns(d.Path)
					d.Desired, d.Live = nsValue(d.Desired, ns), nsValue(d.Live, ns)
					want = append(want, d)
				}
				if diff := cmp.Diff(want, drifts(f.Check(t))); diff != "" {
					t.Errorf("drift after change (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// applyAs server-side applies the cluster-scoped object manifest with force as manager, the way
// a controller does with client-go (kubectl would first hand it the fields of the client-side
// apply, which no controller does).
func applyAs(t *testing.T, f *drifttest.Fixture, manager, manifest string) {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(j); err != nil {
		t.Fatal(err)
	}
	m, err := f.Client.Mapper.RESTMapping(u.GroupVersionKind().GroupKind(), u.GroupVersionKind().Version)
	if err != nil {
		t.Fatal(err)
	}
	force := true
	_, err = f.Client.Dynamic.Resource(m.Resource).Patch(t.Context(), u.GetName(), types.ApplyPatchType, j,
		metav1.PatchOptions{FieldManager: manager, Force: &force})
	if err != nil {
		t.Fatalf("apply as %s: %v", manager, err)
	}
}

// drifts lists every drifted field of r, and missing or failed objects with their status as
// Path.
func drifts(r report.Report) []drift {
	out := []drift{}
	for _, res := range r.Resources {
		obj := res.Kind + "/" + res.Name
		switch res.Status {
		case report.StatusDrifted:
			for _, f := range res.Fields {
				out = append(out, drift{obj, f.Path, f.Desired, f.Live})
			}
		case report.StatusMissing, report.StatusError:
			out = append(out, drift{Object: obj, Path: string(res.Status) + " " + res.Error})
		}
	}
	return out
}

// nsValue replaces NAMESPACE in the strings of maps of strings (the only shapes the table uses).
func nsValue(v any, ns func(string) string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			x = ns(s)
		}
		out[k] = x
	}
	return out
}
