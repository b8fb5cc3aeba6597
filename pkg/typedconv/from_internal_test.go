package typedconv

import (
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// TestFromUnstructuredDirect checks that objects as manifests write them take the direct
// conversion, not the default converter: what makes the Converter worth having.
func TestFromUnstructuredDirect(t *testing.T) {
	cases := []struct {
		name string
		obj  any
		u    map[string]any
	}{{
		name: "deployment",
		obj:  &appsv1.Deployment{},
		u: map[string]any{
			"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "d", "labels": map[string]any{"app": "d"}},
			"spec": map[string]any{
				"replicas": int64(2),
				"selector": map[string]any{"matchLabels": map[string]any{"app": "d"}},
				"strategy": map[string]any{"rollingUpdate": map[string]any{"maxSurge": "25%", "maxUnavailable": int64(0)}},
				"template": map[string]any{
					"metadata": map[string]any{"labels": map[string]any{"app": "d"}},
					"spec": map[string]any{"containers": []any{map[string]any{
						"name": "c", "image": "nginx:1",
						"ports":     []any{map[string]any{"containerPort": int64(80), "protocol": "TCP"}},
						"resources": map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "1Gi"}},
						"env":       []any{map[string]any{"name": "A", "value": "1"}},
					}}},
				},
			},
		},
	}, {
		name: "service",
		obj:  &corev1.Service{},
		u: map[string]any{
			"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s"},
			"spec": map[string]any{"selector": map[string]any{"app": "d"}, "ports": []any{map[string]any{"port": int64(80), "targetPort": "http"}}},
		},
	}, {
		name: "secret",
		obj:  &corev1.Secret{},
		u: map[string]any{
			"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"},
			"data": map[string]any{"k": "dg=="}, "stringData": map[string]any{"l": "w"}, "type": "Opaque",
		},
	}, {
		name: "crd",
		obj:  &apiextensionsv1.CustomResourceDefinition{},
		u: map[string]any{
			"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": map[string]any{"name": "xs.example.com"},
			"spec": map[string]any{"group": "example.com", "scope": "Namespaced", "names": map[string]any{"plural": "xs", "kind": "X"},
				"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true, "schema": map[string]any{
					"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
				}}}},
		},
	}}
	var c Converter
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := c.fromPlanOf(reflect.TypeOf(tc.obj).Elem())
			if p == nil {
				t.Fatal("no direct conversion for the type")
			}
			if !p.from(tc.u, reflect.ValueOf(tc.obj).Elem()) {
				t.Error("the object took the default converter")
			}
		})
	}
}
