package typedconv_test

import (
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/resource"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
	"github.com/gitops-drift/gitops-drift/test/apifuzz"
)

// testScheme returns a scheme of client-go's kinds and apiextensions.k8s.io/v1, those of
// pkg/normalize.
func testScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	s := runtime.NewScheme()
	if err := scheme.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	if err := apiextensionsv1.AddToScheme(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestToUnstructuredSameAsDefault fills objects of every kind of client-go's scheme and of
// apiextensions.k8s.io/v1 at random and checks that the Converter gives what
// runtime.DefaultUnstructuredConverter gives.
func TestToUnstructuredSameAsDefault(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 3
	}
	s := testScheme(t)
	codecs := runtimeserializer.NewCodecFactory(s)
	f := fuzzer.FuzzerFor(fuzzer.MergeFuzzerFuncs(metafuzzer.Funcs, apifuzz.Funcs), rand.NewSource(1), codecs).MaxDepth(12)
	types := s.AllKnownTypes()
	kinds := make([]string, 0, len(types))
	byName := map[string]reflect.Type{}
	for gvk, typ := range types {
		name := gvk.String()
		kinds = append(kinds, name)
		byName[name] = typ
	}
	sort.Strings(kinds)
	var c typedconv.Converter
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			for range rounds {
				obj := reflect.New(byName[kind]).Interface()
				f.Fill(obj)
				want, wantErr := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
				got, err := c.ToUnstructured(obj)
				if (err != nil) != (wantErr != nil) {
					t.Fatalf("ToUnstructured error = %v, want %v", err, wantErr)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("ToUnstructured (-default +got):\n%s", diff)
				}
			}
		})
	}
}

// TestToUnstructured checks the conversions that matter to a check, by example.
func TestToUnstructured(t *testing.T) {
	cases := []struct {
		name string
		obj  any
		want map[string]any
	}{{
		name: "deployment",
		obj: &appsv1.Deployment{
			TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "d", Labels: map[string]string{"a": "b"}},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](2),
				Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:      "c",
					Ports:     []corev1.ContainerPort{{ContainerPort: 80}},
					Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": resource.MustParse("500m")}},
				}}}},
				Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("25%"))}},
			},
		},
		want: map[string]any{
			"apiVersion": "apps/v1",
			"kind":       "Deployment",
			"metadata":   map[string]any{"name": "d", "labels": map[string]any{"a": "b"}},
			"spec": map[string]any{
				"replicas": int64(2),
				"selector": nil,
				"template": map[string]any{
					"metadata": map[string]any{},
					"spec": map[string]any{"containers": []any{map[string]any{
						"name":      "c",
						"ports":     []any{map[string]any{"containerPort": int64(80)}},
						"resources": map[string]any{"limits": map[string]any{"cpu": "500m"}},
					}}},
				},
				"strategy": map[string]any{"rollingUpdate": map[string]any{"maxSurge": "25%"}},
			},
			"status": map[string]any{},
		},
	}, {
		name: "secret bytes",
		obj:  &corev1.Secret{Data: map[string][]byte{"k": []byte("v"), "nil": nil}},
		want: map[string]any{
			"metadata": map[string]any{},
			"data":     map[string]any{"k": "dg==", "nil": nil},
		},
	}, {
		name: "unstructured",
		obj:  &unstructured.Unstructured{Object: map[string]any{"kind": "X"}},
		want: map[string]any{"kind": "X"},
	}}
	var c typedconv.Converter
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.ToUnstructured(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ToUnstructured (-want +got):\n%s", diff)
			}
		})
	}
}

// intOrStrings holds IntOrStrings where objects have them (a field, a pointer) and where
// their values cannot be addressed (a map).
type intOrStrings struct {
	Field      intstr.IntOrString             `json:"field"`
	Pointer    *intstr.IntOrString            `json:"pointer,omitempty"`
	NilPointer *intstr.IntOrString            `json:"nilPointer"`
	List       []intstr.IntOrString           `json:"list"`
	Pointers   []*intstr.IntOrString          `json:"pointers"`
	Map        map[string]intstr.IntOrString  `json:"map"`
	PointerMap map[string]*intstr.IntOrString `json:"pointerMap"`
}

// TestIntOrString checks the conversion of IntOrStrings, which does not go through JSON,
// against the default converter's, which does.
func TestIntOrString(t *testing.T) {
	values := map[string]intstr.IntOrString{
		"int":            intstr.FromInt32(-8080),
		"string":         intstr.FromString("25%"),
		"escaped":        intstr.FromString("<&>\"\\\u2028\t"),
		"invalid UTF-8":  intstr.FromString("a\xffb"),
		"empty":          intstr.FromString(""),
		"neither":        {Type: 7, StrVal: "x"},
		"int, StrVal":    {Type: intstr.Int, IntVal: 1, StrVal: "ignored"},
		"string, IntVal": {Type: intstr.String, IntVal: 1, StrVal: "http"},
	}
	var c typedconv.Converter
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			obj := &intOrStrings{
				Field: v, Pointer: &v, List: []intstr.IntOrString{v}, Pointers: []*intstr.IntOrString{&v, nil},
				Map: map[string]intstr.IntOrString{"k": v}, PointerMap: map[string]*intstr.IntOrString{"k": &v, "nil": nil},
			}
			want, wantErr := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
			got, err := c.ToUnstructured(obj)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("ToUnstructured error = %v, want %v", err, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ToUnstructured (-default +got):\n%s", diff)
			}
		})
	}
}
