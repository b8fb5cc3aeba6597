package normalize

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/kubernetes/pkg/apis/core"
	apiscorev1 "k8s.io/kubernetes/pkg/apis/core/v1"
	"sigs.k8s.io/yaml"
)

// parse reads a YAML object as the manifest loader would.
func parse(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := utiljson.Unmarshal(j, &m); err != nil { // whole numbers as int64, as the loader has them
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

// checkNormalize normalises the YAML object in with n and compares the result with the YAML
// object want and the dropped fields.
func checkNormalize(t *testing.T, n *Normalizer, in, want string, dropped []string) {
	t.Helper()
	got, err := n.Normalize(parse(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(parse(t, want).Object, got.Object); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(dropped, got.Dropped); diff != "" {
		t.Errorf("Dropped (-want +got):\n%s", diff)
	}
}

func newNormalizer(t *testing.T, crds CRDSource) *Normalizer {
	t.Helper()
	n, err := New(crds)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBuiltIn checks the round trip through Go types and protobuf on the cases that matter:
// zero values the server drops, zero values it keeps, canonical forms.
func TestBuiltIn(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		dropped []string
	}{
		{
			name: "pointer false kept, plain false dropped",
			in: `{apiVersion: v1, kind: Pod, metadata: {name: p},
  spec: {hostNetwork: false, containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 0}],
    securityContext: {allowPrivilegeEscalation: false}, args: [], resources: {limits: {cpu: "0.5"}}}]}}`,
			want: `{apiVersion: v1, kind: Pod, metadata: {name: p},
  spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}],
    securityContext: {allowPrivilegeEscalation: false}, resources: {limits: {cpu: 500m}}}]}}`,
		},
		{
			name: "service allocations left to the server",
			in: `{apiVersion: v1, kind: Service, metadata: {name: s, labels: {}},
  spec: {clusterIP: "", ports: [{port: 80, nodePort: 0, targetPort: 8080}], selector: {app: a}}}`,
			want: `{apiVersion: v1, kind: Service, metadata: {name: s},
  spec: {ports: [{port: 80, targetPort: 8080}], selector: {app: a}}}`,
		},
		{
			name: "PDB maxUnavailable zero kept",
			in:   `{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p}, spec: {maxUnavailable: 0}}`,
			want: `{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: p}, spec: {maxUnavailable: 0}}`,
		},
		{
			name: "empty ConfigMap value kept, wrapped binaryData unwrapped, empty map dropped",
			in:   "{apiVersion: v1, kind: ConfigMap, metadata: {name: c, annotations: {}}, data: {empty: \"\"}, binaryData: {b: \"aGVs\\nbG8=\"}}",
			want: `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {empty: ""}, binaryData: {b: aGVsbG8=}}`,
		},
		{
			name: "emptyDir kept as an empty struct, zero structs Git does not set left out",
			in: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}},
    spec: {volumes: [{name: v, emptyDir: {}}], containers: [{name: c, image: i}]}}}}`,
			want: `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}},
    spec: {volumes: [{name: v, emptyDir: {}}], containers: [{name: c, image: i}]}}}}`,
		},
		{
			name:    "unknown fields dropped and named",
			in:      `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}, spec: {x: 1}}`,
			want:    `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {a: b}}`,
			dropped: []string{"spec"},
		},
	}
	n := newNormalizer(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNormalize(t, n, tc.in, tc.want, tc.dropped)
		})
	}
}

func TestBuiltInRefused(t *testing.T) {
	n := newNormalizer(t, nil)
	_, err := n.Normalize(parse(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, binaryData: {b: "not base64!"}}`))
	if err == nil {
		t.Fatal("Normalize of binaryData that is not base64 succeeded; want an error")
	}
}

// crdSource is a CRDSource over a fixed set of CRDs.
type crdSource map[k8sschema.GroupKind]*apiextensionsv1.CustomResourceDefinition

func (c crdSource) CRD(gk k8sschema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error) {
	return c[gk], nil
}

const widgetCRD = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com, uid: u1, resourceVersion: "1"}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              enabled: {type: boolean}
              replicas: {type: integer, default: 1}
              mode: {type: string, default: fast}
              note: {type: string}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

func TestCustom(t *testing.T) {
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal([]byte(widgetCRD), &crd); err != nil {
		t.Fatal(err)
	}
	gk := k8sschema.GroupKind{Group: "example.com", Kind: "Widget"}
	// A CRD converted from v1beta1 may still keep unknown fields: no pruning, but defaults.
	legacy := crd.DeepCopy()
	legacy.Spec.PreserveUnknownFields = true
	// A second version without a schema: its objects are kept as sent.
	twoVersions := crd.DeepCopy()
	twoVersions.Spec.Versions = append(twoVersions.Spec.Versions, apiextensionsv1.CustomResourceDefinitionVersion{Name: "v2", Served: true})
	tests := []struct {
		name    string
		crds    CRDSource
		in      string
		want    string
		dropped []string
	}{
		{
			name: "defaults applied, zeros kept, unknown pruned, nulls dropped",
			crds: crdSource{gk: &crd},
			in: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, labels: {}},
  spec: {enabled: false, note: "", typo: 1, mode: null, extra: {anything: [1]}}}`,
			want: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w},
  spec: {enabled: false, note: "", replicas: 1, mode: fast, extra: {anything: [1]}}}`,
			dropped: []string{"spec.typo"},
		},
		{
			name: "without a CRD the object is kept as sent, nulls aside",
			crds: crdSource{},
			in:   `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {enabled: false, mode: null}}`,
			want: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {enabled: false}}`,
		},
		{
			name: "without a CRD every null goes, however many and however deep",
			crds: crdSource{},
			in:   `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {a: null, b: null, c: {d: null, e: 1}, f: [{g: null}]}}`,
			want: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {c: {e: 1}, f: [{}]}}`,
		},
		{
			name: "a CRD that preserves unknown fields keeps them, and defaults",
			crds: crdSource{gk: legacy},
			in:   `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {typo: 1}}`,
			want: `{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {typo: 1, replicas: 1, mode: fast}}`,
		},
		{
			name: "a version without a schema is kept as sent, nulls and status aside",
			crds: crdSource{gk: twoVersions},
			in:   `{apiVersion: example.com/v2, kind: Widget, metadata: {name: w}, spec: {typo: 1, mode: null}, status: {ready: true}}`,
			want: `{apiVersion: example.com/v2, kind: Widget, metadata: {name: w}, spec: {typo: 1}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkNormalize(t, newNormalizer(t, tc.crds), tc.in, tc.want, tc.dropped)
		})
	}
}

// TestDropAdded checks the one walk that removes what a round trip added: every value in
// lacks (Normalize), or only its empty objects (Defaulted), lists lining up item by item.
func TestDropAdded(t *testing.T) {
	in := map[string]any{"a": int64(1), "l": []any{map[string]any{"x": int64(1)}}, "short": []any{}}
	out := func() map[string]any {
		return map[string]any{
			"a": int64(1), "added": "v", "empty": map[string]any{},
			"l":     []any{map[string]any{"x": int64(1), "y": map[string]any{}, "z": int64(2)}},
			"short": []any{map[string]any{"q": map[string]any{}}},
		}
	}
	tests := []struct {
		name string
		drop func(any) bool
		want map[string]any
	}{
		{
			name: "any value",
			drop: anyValue,
			want: map[string]any{"a": int64(1), "l": []any{map[string]any{"x": int64(1)}},
				"short": []any{map[string]any{"q": map[string]any{}}}},
		},
		{
			name: "empty objects only",
			drop: emptyObject,
			want: map[string]any{"a": int64(1), "added": "v", "l": []any{map[string]any{"x": int64(1), "z": int64(2)}},
				"short": []any{map[string]any{"q": map[string]any{}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := out()
			dropAdded(got, in, tc.drop)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("dropAdded (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaulted checks that Defaulted adds the API server's defaults, not the empty objects
// the Go types add (a pod's securityContext: {}, a container's resources: {}), and keeps the
// empty objects Git sets (emptyDir: {}).
func TestDefaultedKeepsWhatGitSets(t *testing.T) {
	n := newNormalizer(t, nil)
	res, err := n.Normalize(parse(t, `{apiVersion: apps/v1, kind: Deployment, metadata: {name: d},
  spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}},
    spec: {volumes: [{name: v, emptyDir: {}}], containers: [{name: c, image: "nginx:1.25"}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	gvk := k8sschema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	got, err := n.Defaulted(res.Object, gvk)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  []string
		want  any
		found bool
	}{
		{[]string{"spec", "strategy", "type"}, "RollingUpdate", true},
		{[]string{"spec", "template", "spec", "volumes"}, []any{map[string]any{"name": "v", "emptyDir": map[string]any{}}}, true},
		{[]string{"spec", "template", "spec", "securityContext"}, nil, false},
	}
	for _, tc := range tests {
		v, found, err := unstructured.NestedFieldNoCopy(got, tc.path...)
		if err != nil {
			t.Fatal(err)
		}
		if found != tc.found || found && !cmp.Equal(tc.want, v) {
			t.Errorf("%v = %v (found %v), want %v (found %v)", tc.path, v, found, tc.want, tc.found)
		}
	}
	c, _, _ := unstructured.NestedSlice(got, "spec", "template", "spec", "containers")
	if diff := cmp.Diff(map[string]any{
		"name": "c", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent",
		"terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
	}, c[0]); diff != "" {
		t.Errorf("container (-want +got):\n%s", diff)
	}
}

// TestSecretFold checks that a Secret's stringData is folded into data as the API server
// folds it, and that Result.StringData names the keys Git spells under stringData. Each
// folded data is also checked against the API server's own conversion
// (Convert_v1_Secret_To_core_Secret), which is where the server folds.
func TestSecretFold(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       string
		stringData []string
	}{
		{
			name:       "a Secret with only stringData",
			in:         `{apiVersion: v1, kind: Secret, metadata: {name: s}, type: Opaque, stringData: {user: admin, password: hunter2}}`,
			want:       `{apiVersion: v1, kind: Secret, metadata: {name: s}, type: Opaque, data: {user: YWRtaW4=, password: aHVudGVyMg==}}`,
			stringData: []string{"password", "user"},
		},
		{
			name:       "a key in both data and stringData takes stringData's value",
			in:         `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {user: b2xk, ca.crt: Y2E=}, stringData: {user: admin}}`,
			want:       `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {user: YWRtaW4=, ca.crt: Y2E=}}`,
			stringData: []string{"user"},
		},
		{
			name: "an empty stringData is dropped and folds nothing",
			in:   `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {a: Yg==}, stringData: {}}`,
			want: `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {a: Yg==}}`,
		},
		{
			name:       "an empty value is stored empty",
			in:         `{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {e: ""}}`,
			want:       `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {e: ""}}`,
			stringData: []string{"e"},
		},
		{
			name:       "values are bytes of the string, not base64 decoded",
			in:         `{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {b: aGk=, u: "ü\n"}}`,
			want:       `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {b: YUdrPQ==, u: w7wK}}`,
			stringData: []string{"b", "u"},
		},
		{
			name: "a Secret without stringData",
			in:   `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {a: Yg==}}`,
			want: `{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {a: Yg==}}`,
		},
	}
	n := newNormalizer(t, nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := parse(t, tc.in)
			got, err := n.Normalize(in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(parse(t, tc.want).Object, got.Object); diff != "" {
				t.Errorf("Normalize (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.stringData, got.StringData); diff != "" {
				t.Errorf("StringData (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(serverFold(t, in), got.Object["data"]); diff != "" {
				t.Errorf("data against the API server's conversion (-server +got):\n%s", diff)
			}
		})
	}
}

// serverFold returns the data of the Secret obj as the API server's conversion folds it, in
// JSON form (base64 values).
func serverFold(t *testing.T, obj *unstructured.Unstructured) any {
	t.Helper()
	var v1 corev1.Secret
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, &v1); err != nil {
		t.Fatal(err)
	}
	var internal core.Secret
	if err := apiscorev1.Convert_v1_Secret_To_core_Secret(&v1, &internal, nil); err != nil {
		t.Fatal(err)
	}
	data := map[string]any{}
	for k, b := range internal.Data {
		data[k] = base64.StdEncoding.EncodeToString(b)
	}
	return data
}

// TestSecretFoldRefused: a stringData value that is not a string does not fit the Secret
// schema, as the API server refuses it; the error does not quote the value.
func TestSecretFoldRefused(t *testing.T) {
	n := newNormalizer(t, nil)
	_, err := n.Normalize(parse(t, `{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {pin: 493817}}`))
	if err == nil {
		t.Fatal("Normalize of a number in stringData succeeded; want an error")
	}
	if strings.Contains(err.Error(), "493817") {
		t.Errorf("the error quotes the value: %v", err)
	}
}
