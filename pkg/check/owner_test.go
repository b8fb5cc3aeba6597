package check_test

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// compileOffline compiles manifests (in namespace demo) as the CLI does, with the built-in
// kinds' schemas and defaults of client-go and manual as the hand-edit managers, without an
// API server.
func compileOffline(t *testing.T, manifests string, manual []string) *check.Desired {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(manifests)}}, manifest.Options{Namespace: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: schema.NewResolver(nil), Normalizer: norm, Manual: manual}.Compile(set, "rev")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// yamlObject decodes one YAML object as the API client decodes JSON: whole numbers as int64.
func yamlObject(t *testing.T, doc string) map[string]any {
	t.Helper()
	u, err := decodeYAML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// owned is a drifted field and who Compare names as the owner of its live value.
type owned struct {
	Path    string
	Manager string // "" when Compare names nobody
	Time    time.Time
}

// TestOwnerOfDrift checks who Compare names for the live value of a drift Git sets: among the
// managers that own it (two appliers that sent the same value), or own the atomic value that
// holds it, the one that wrote last, whatever the order of their managedFields entries; nobody
// for a value live lacks. No hand-edit manager is involved: these owners come from the diff's
// fields alone.
func TestOwnerOfDrift(t *testing.T) {
	const (
		ten    = "2026-11-30T10:00:00Z"
		eleven = "2026-11-30T11:00:00Z"
		noon   = "2026-11-30T12:00:00Z"
	)
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	configMap := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: demo}\ndata: {a: \"1\"}\n"
	tests := []struct {
		name    string
		desired string
		live    string
		want    []owned
	}{
		{
			name:    "two appliers own the value: the later one, listed last",
			desired: configMap,
			live: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: demo
  managedFields:
  - {manager: team-a, operation: Apply, apiVersion: v1, time: "` + ten + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {"f:a": {}}}}
  - {manager: team-b, operation: Apply, apiVersion: v1, time: "` + eleven + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {"f:a": {}}}}
data: {a: "2"}
`,
			want: []owned{{Path: "data.a", Manager: "team-b", Time: at(eleven)}},
		},
		{
			name:    "two appliers own the value: the later one, listed first",
			desired: configMap,
			live: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: demo
  managedFields:
  - {manager: team-b, operation: Apply, apiVersion: v1, time: "` + eleven + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {"f:a": {}}}}
  - {manager: team-a, operation: Apply, apiVersion: v1, time: "` + ten + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {"f:a": {}}}}
  - {manager: old-tool, operation: Update, apiVersion: v1, time: "` + noon + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {".": {}, "f:z": {}}}}
data: {a: "2", z: "0"}
`,
			want: []owned{{Path: "data.a", Manager: "team-b", Time: at(eleven)}},
		},
		{
			name: "a map inside an atomic selector: the later of its owners",
			desired: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb, namespace: demo}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
`,
			live: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: pdb
  namespace: demo
  managedFields:
  - {manager: selector-tool, operation: Apply, apiVersion: policy/v1, time: "` + noon + `", fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:selector": {}}}}
  - {manager: team-a, operation: Apply, apiVersion: policy/v1, time: "` + eleven + `", fieldsType: FieldsV1, fieldsV1: {"f:spec": {"f:maxUnavailable": {}, "f:selector": {}}}}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: api}}}
`,
			want: []owned{{Path: "spec.selector.matchLabels", Manager: "selector-tool", Time: at(noon)}},
		},
		{
			name:    "a value live lacks: nobody",
			desired: configMap,
			live: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: demo
  managedFields:
  - {manager: team-a, operation: Update, apiVersion: v1, time: "` + noon + `", fieldsType: FieldsV1, fieldsV1: {"f:data": {".": {}, "f:b": {}}}}
data: {b: "2"}
`,
			want: []owned{{Path: "data.a"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := compileOffline(t, tt.desired, nil)
			got := []owned{}
			for _, f := range d.Targets[0].Compare(yamlObject(t, tt.live)) {
				o := owned{Path: f.Path}
				if f.Owner != nil {
					o.Manager, o.Time = f.Owner.Manager, f.Owner.Time
				}
				got = append(got, o)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("owners of the drift (-want +got):\n%s", diff)
			}
		})
	}
}

// decodeYAML decodes one YAML object into the types a JSON decoder of the API client gives.
func decodeYAML(doc []byte) (map[string]any, error) {
	j, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// TestHandEditsWhenAnotherEntryIsUnreadable checks that a hand edit is still reported when
// Git's fields are in sync and another manager's managedFields entry does not parse: the
// owners of Git's drift are looked for only when there is some.
func TestHandEditsWhenAnotherEntryIsUnreadable(t *testing.T) {
	d := compileOffline(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: demo}\ndata: {a: \"1\"}\n", []string{"kubectl-edit"})
	live := yamlObject(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: demo
  managedFields:
  - {manager: applier, operation: Apply, apiVersion: v1, fieldsType: FieldsV1, fieldsV1: "not json"}
  - {manager: kubectl-edit, operation: Update, apiVersion: v1, fieldsType: FieldsV1, fieldsV1: {"f:data": {"f:b": {}}}}
data: {a: "1", b: "x"}
`)
	var got []string
	for _, f := range d.Targets[0].Compare(live) {
		got = append(got, f.Path)
	}
	if diff := cmp.Diff([]string{"data.b"}, got); diff != "" {
		t.Errorf("Compare() paths (-want +got):\n%s", diff)
	}
}

// TestHandEditUnderDefaultedStruct checks where a value added by hand below a struct the API
// server defaults (a Deployment's strategy) shows: at the first value on the way that Git with
// defaults lacks, a key of a map rather than the leaf. (The field names under rollingUpdate are
// made up: a Deployment has no map there, but hangingPoint walks whatever live holds.)
func TestHandEditUnderDefaultedStruct(t *testing.T) {
	d := compileOffline(t, plainDeployment, []string{"kubectl-edit"})
	live := yamlObject(t, plainDeployment)
	editedBy(live, "kubectl-edit", map[string]any{"f:spec": map[string]any{"f:strategy": map[string]any{"f:rollingUpdate": map[string]any{
		"f:extra": map[string]any{"f:key": map[string]any{"f:leaf": map[string]any{}}},
	}}}})
	live["spec"].(map[string]any)["strategy"] = map[string]any{"type": "RollingUpdate", "rollingUpdate": map[string]any{
		"maxSurge": "25%", "maxUnavailable": "25%", "extra": map[string]any{"key": map[string]any{"leaf": "x"}},
	}}
	var got []string
	for _, f := range d.Targets[0].Compare(live) {
		if f.Added {
			got = append(got, f.Path)
		}
	}
	if diff := cmp.Diff([]string{"spec.strategy.rollingUpdate.extra.key"}, got); diff != "" {
		t.Errorf("hand-added paths (-want +got):\n%s", diff)
	}
}

// TestHandEditNeverOnLastApplied checks that the last-applied annotation, which kubectl edit
// rewrites (and so owns), is never a hand edit, nor is a field Git leaves out that an ignore
// path covers.
func TestHandEditNeverOnLastApplied(t *testing.T) {
	const desired = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: demo\n  annotations: {drift.gitops.io/ignore-fields: data.skip}\ndata: {a: \"1\"}\n"
	d := compileOffline(t, desired, []string{"kubectl-edit"})
	live := yamlObject(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  namespace: demo
  annotations:
    drift.gitops.io/ignore-fields: data.skip
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"a":"0"}}'
  managedFields:
  - {manager: kubectl-edit, operation: Update, apiVersion: v1, fieldsType: FieldsV1, fieldsV1: {"f:metadata": {"f:annotations": {"f:kubectl.kubernetes.io/last-applied-configuration": {}}}, "f:data": {"f:skip": {}}}}
data: {a: "1", skip: "x"}
`)
	if got := d.Targets[0].Compare(live); len(got) != 0 {
		t.Errorf("Compare() = %v, want no drift", got)
	}
}

// TestHandEditDefaultBesideReplicas checks that a defaulted field of spec other than replicas,
// changed by hand, is drift: only spec.replicas is left to others.
func TestHandEditDefaultBesideReplicas(t *testing.T) {
	d := compileOffline(t, plainDeployment, []string{"kubectl-edit"})
	live := yamlObject(t, plainDeployment)
	editedBy(live, "kubectl-edit", map[string]any{"f:spec": map[string]any{"f:revisionHistoryLimit": map[string]any{}}})
	live["spec"].(map[string]any)["revisionHistoryLimit"] = int64(3)
	var got []string
	for _, f := range d.Targets[0].Compare(live) {
		if f.Default {
			got = append(got, f.Path)
		}
	}
	if diff := cmp.Diff([]string{"spec.revisionHistoryLimit"}, got); diff != "" {
		t.Errorf("hand-edited defaults (-want +got):\n%s", diff)
	}
}

// plainDeployment is a Deployment that sets only what the API requires.
const plainDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: demo}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: nginx}]
`

// editedBy sets the managedFields of live, an apps/v1 object, to one Update entry of manager
// owning fields (a FieldsV1 tree).
func editedBy(live map[string]any, manager string, fields map[string]any) {
	live["metadata"].(map[string]any)["managedFields"] = []any{map[string]any{
		"manager": manager, "operation": "Update", "apiVersion": "apps/v1", "fieldsType": "FieldsV1",
		"fieldsV1": fields,
	}}
}
