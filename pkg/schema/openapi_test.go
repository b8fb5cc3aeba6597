package schema

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/openapi/openapitest"
	"k8s.io/client-go/openapi3"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// widgetComponents returns the component schemas of testdata/example.com_v1.json, a CRD-like
// OpenAPI v3 document with a list map, a set, a Quantity map and a recursive type.
func widgetComponents(t testing.TB) map[string]*spec.Schema {
	t.Helper()
	b, err := os.ReadFile("testdata/example.com_v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc spec3.OpenAPI
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

func TestFromOpenAPI(t *testing.T) {
	s, err := FromOpenAPI(widgetComponents(t), widgetGVK)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want node
	}{
		{"spec.ports", listMap(map[string]any{"protocol": "TCP"}, "port", "protocol")},
		{"spec.tags", node{Found: true, ListType: diff.ListSet}},
		{"spec.steps", node{Found: true, ListType: diff.ListAtomic}},
		{"spec.limits.cpu", node{Found: true, Quantity: true}},
		// Under x-kubernetes-preserve-unknown-fields nothing is known, so that lists of named
		// items fall back to matching by name.
		{"spec.config.anything.nested", node{}},
		{"spec.validation.properties.x.items.properties.y.required", node{Found: true, ListType: diff.ListSet}},
		{"spec.validation.allOf.[].items.allOf", node{Found: true, ListType: diff.ListAtomic}},
		{"metadata.finalizers", node{Found: true, ListType: diff.ListSet}},
		{"metadata.name", node{}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, at(s, tc.path)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

// TestFromOpenAPIRecursive checks that a recursive type converts to a cycle: the values of
// Props.properties are the very node of Props.
func TestFromOpenAPIRecursive(t *testing.T) {
	s, err := FromOpenAPI(widgetComponents(t), widgetGVK)
	if err != nil {
		t.Fatal(err)
	}
	props := s.Field("spec").Field("validation")
	if props == nil {
		t.Fatal("spec.validation has no schema")
	}
	if got := props.Field("properties").Field("x"); got != props {
		t.Errorf("properties.x = %p, want the Props node %p", got, props)
	}
	if got := props.Field("items"); got != props {
		t.Errorf("items = %p, want the Props node %p", got, props)
	}
}

func TestFromOpenAPIUnknownKind(t *testing.T) {
	gvk := k8sschema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Gadget"}
	_, err := FromOpenAPI(widgetComponents(t), gvk)
	if !errors.Is(err, ErrUnknownKind) {
		t.Errorf("FromOpenAPI(%s) error = %v, want ErrUnknownKind", gvk, err)
	}
}

// appsV1 returns the component schemas of a real API server's apps/v1 OpenAPI v3 document, as
// shipped with client-go's openapitest.
func appsV1(t testing.TB) map[string]*spec.Schema {
	t.Helper()
	root := openapi3.NewRoot(openapitest.NewEmbeddedFileClient())
	doc, err := root.GVSpec(k8sschema.GroupVersion{Group: "apps", Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// TestFromOpenAPIServerDocument checks that a Deployment read from a server's OpenAPI document
// has the keys, key defaults and quantities of the built-in one.
func TestFromOpenAPIServerDocument(t *testing.T) {
	fromServer, err := FromOpenAPI(appsV1(t), deploymentGVK)
	if err != nil {
		t.Fatal(err)
	}
	builtIn, ok := BuiltIn(deploymentGVK)
	if !ok {
		t.Fatal("Deployment is not built in")
	}
	for _, path := range []string{
		podSpec + ".containers.[].ports",
		podSpec + ".containers.[].resources.limits.cpu",
		"metadata.ownerReferences",
	} {
		t.Run(path, func(t *testing.T) {
			if diff := cmp.Diff(at(builtIn, path), at(fromServer, path)); diff != "" {
				t.Errorf("%s (-built-in +server):\n%s", path, diff)
			}
		})
	}
}

// BenchmarkFromOpenAPI measures converting a Deployment from a server's apps/v1 document,
// including building the TypeConverter, as a Resolver does once per GroupVersion.
func BenchmarkFromOpenAPI(b *testing.B) {
	components := appsV1(b)
	for b.Loop() {
		if _, err := FromOpenAPI(components, deploymentGVK); err != nil {
			b.Fatal(err)
		}
	}
}
