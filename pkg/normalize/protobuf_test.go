package normalize

import (
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/randfill"

	"github.com/gitops-drift/gitops-drift/test/apifuzz"
)

// TestProtoChanges fills objects of every kind of the Normalizer's scheme that has a
// protobuf encoding at random, some with empty lists and maps and some without, and checks
// that where protoChanges finds nothing to change, the object converts to the same map as
// its round trip through protobuf does: throughProtobuf may skip the round trip.
func TestProtoChanges(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 4
	}
	n := newNormalizer(t, nil)
	codecs := runtimeserializer.NewCodecFactory(n.scheme)
	funcs := fuzzer.MergeFuzzerFuncs(metafuzzer.Funcs, apifuzz.Funcs)
	fillers := map[string]*randfill.Filler{
		"no empty lists": fuzzer.FuzzerFor(funcs, rand.NewSource(1), codecs).MaxDepth(10).NumElements(1, 2),
		"empty lists":    fuzzer.FuzzerFor(funcs, rand.NewSource(2), codecs).MaxDepth(10).NumElements(0, 2),
	}
	var kinds []k8sschema.GroupVersionKind
	for gvk, typ := range n.scheme.AllKnownTypes() {
		if _, ok := reflect.New(typ).Interface().(protoRoundTripper); ok {
			kinds = append(kinds, gvk)
		}
	}
	slices.SortFunc(kinds, func(a, b k8sschema.GroupVersionKind) int { return cmpString(a.String(), b.String()) })
	skipped, tripped := 0, 0
	for _, gvk := range kinds {
		t.Run(gvk.String(), func(t *testing.T) {
			for name, f := range fillers {
				for range rounds {
					obj, err := n.scheme.New(gvk)
					if err != nil {
						t.Fatal(err)
					}
					f.Fill(obj)
					if n.protos.protoChanges(reflect.ValueOf(obj).Elem()) {
						tripped++
						continue
					}
					skipped++
					fresh, err := protoRoundTrip(n.scheme, gvk, obj.(protoRoundTripper))
					if err != nil {
						t.Fatal(err)
					}
					want, wantErr := n.conv.ToUnstructured(fresh)
					obj.GetObjectKind().SetGroupVersionKind(gvk)
					got, err := n.conv.ToUnstructured(obj)
					if (err != nil) != (wantErr != nil) {
						t.Fatalf("%s: ToUnstructured error = %v, after the round trip %v", name, err, wantErr)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("%s: protoChanges finds nothing, but the round trip changes (-round trip +without):\n%s", name, diff)
					}
				}
			}
		})
	}
	// Both answers must have been given often enough for the test to say something: at least
	// one object in twenty each.
	if total := skipped + tripped; skipped < total/20 || tripped < total/20 {
		t.Errorf("objects without changes %d, with changes %d: want at least %d of each", skipped, tripped, total/20)
	}
}

// TestProtoChangesCases checks, by example, what protoChanges must find: each thing a round
// trip through protobuf changes, and none where it changes nothing.
func TestProtoChangesCases(t *testing.T) {
	tests := []struct {
		name string
		obj  runtime.Object
		want bool
	}{
		{"nothing", &appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
			ObjectMeta: metav1.ObjectMeta{Name: "d", Labels: map[string]string{"a": ""}},
			Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](0), Strategy: appsv1.DeploymentStrategy{
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("25%"))}}}}, false},
		{"times", &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.Unix(1e9, 5)},
			Status: batchv1.CronJobStatus{LastScheduleTime: ptr.To(metav1.Unix(1e9, 0))}}, false},
		{"empty list", &rbacv1.ClusterRole{Rules: []rbacv1.PolicyRule{}}, true},
		{"empty list deep down", &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Args: []string{}}}}}}}, true},
		{"empty map", &corev1.ConfigMap{Data: map[string]string{}}, true},
		{"empty bytes", &corev1.Secret{Data: map[string][]byte{"k": {}}}, true},
		{"nil bytes in a map", &corev1.Secret{Data: map[string][]byte{"k": nil}}, true},
		{"bytes", &corev1.Secret{Data: map[string][]byte{"k": []byte("v")}}, false},
		{"embedded object's TypeMeta", &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}}}}}, true},
		{"embedded object without TypeMeta", &appsv1.StatefulSet{Spec: appsv1.StatefulSetSpec{
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "data"}}}}}, false},
		{"raw JSON", &appsv1.ControllerRevision{Data: runtime.RawExtension{Raw: []byte(`{"a":1}`)}}, false},
		{"empty raw JSON", &appsv1.ControllerRevision{Data: runtime.RawExtension{Raw: []byte{}}}, true},
		// A JSONSchemaProps' properties are JSONSchemaProps: what changes below the first level
		// is found through the type's own check, referred to while it was compiled.
		{"empty list in a schema's property", crdSchema(apiextensionsv1.JSONSchemaProps{Type: "object",
			Properties: map[string]apiextensionsv1.JSONSchemaProps{"a": {Type: "object", Required: []string{}}}}), true},
		{"schema's properties", crdSchema(apiextensionsv1.JSONSchemaProps{Type: "object",
			Properties: map[string]apiextensionsv1.JSONSchemaProps{"a": {Type: "object", Required: []string{"b"},
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"b": {Type: "string"}}}}}), false},
	}
	var c protoChecks
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.protoChanges(reflect.ValueOf(tc.obj).Elem()); got != tc.want {
				t.Errorf("protoChanges = %v, want %v", got, tc.want)
			}
		})
	}
}

// crdSchema returns a CustomResourceDefinition whose one version has the schema s.
func crdSchema(s apiextensionsv1.JSONSchemaProps) *apiextensionsv1.CustomResourceDefinition {
	return &apiextensionsv1.CustomResourceDefinition{Spec: apiextensionsv1.CustomResourceDefinitionSpec{
		Group: "example.com", Scope: apiextensionsv1.NamespaceScoped,
		Names: apiextensionsv1.CustomResourceDefinitionNames{Plural: "widgets", Kind: "Widget"},
		Versions: []apiextensionsv1.CustomResourceDefinitionVersion{{Name: "v1", Served: true, Storage: true,
			Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &s}}},
	}}
}

// cmpString orders strings for slices.SortFunc.
func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
