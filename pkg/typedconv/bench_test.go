package typedconv_test

import (
	"encoding/json"
	"os"

	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
)

// benchDeployment is a Deployment as a manifest writes it.
func benchDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "n", Labels: map[string]string{"app": "d", "tier": "web"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](3),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "d"}},
			Strategy: appsv1.DeploymentStrategy{RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("25%"))}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "d"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "web",
					Image: "nginx:1.27",
					Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}},
					Env:   []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
					Resources: corev1.ResourceRequirements{
						Limits:   corev1.ResourceList{"cpu": resource.MustParse("500m"), "memory": resource.MustParse("256Mi")},
						Requests: corev1.ResourceList{"cpu": resource.MustParse("100m")},
					},
				}}},
			},
		},
	}
}

// BenchmarkToUnstructured converts a Deployment to a map with the default converter and
// with a Converter.
func BenchmarkToUnstructured(b *testing.B) {
	d := benchDeployment()
	var c typedconv.Converter
	for _, bc := range []struct {
		name    string
		convert func(any) (map[string]any, error)
	}{{"default", runtime.DefaultUnstructuredConverter.ToUnstructured}, {"compiled", c.ToUnstructured}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.convert(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFromUnstructured sets a Deployment from its map with the default converter and
// with a Converter.
func BenchmarkFromUnstructured(b *testing.B) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(benchDeployment())
	if err != nil {
		b.Fatal(err)
	}
	var c typedconv.Converter
	for _, bc := range []struct {
		name    string
		convert func(map[string]any, any, bool) error
	}{{"default", runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation}, {"compiled", c.FromUnstructuredWithValidation}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := bc.convert(u, &appsv1.Deployment{}, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToUnstructuredLive converts a Deployment as the API server returns it (defaults,
// managedFields, status: pkg/diff's test object) to a map, as the protobuf LISTs do.
func BenchmarkToUnstructuredLive(b *testing.B) {
	raw, err := os.ReadFile("../diff/testdata/deployment.live.json")
	if err != nil {
		b.Fatal(err)
	}
	var d appsv1.Deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		b.Fatal(err)
	}
	var c typedconv.Converter
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.ToUnstructured(&d); err != nil {
			b.Fatal(err)
		}
	}
}
