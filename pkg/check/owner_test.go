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
