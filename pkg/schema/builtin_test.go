package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

var (
	deploymentGVK  = k8sschema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	statefulSetGVK = k8sschema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}
	serviceGVK     = k8sschema.GroupVersionKind{Version: "v1", Kind: "Service"}
	widgetGVK      = k8sschema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"}
)

// node is the part of one schema node a test checks; Found is false when the path leads to a
// nil schema.
type node struct {
	Found       bool
	ListType    diff.ListType
	Keys        []string
	KeyDefaults map[string]any
	Quantity    bool
	Atomic      bool
	Ordered     bool
}

// at walks a dotted path from s: "[]" steps into list items, any other name into a field (or
// a map's values).
func at(s *diff.Schema, path string) node {
	for _, step := range strings.Split(path, ".") {
		if step == "[]" {
			s = s.Item()
		} else {
			s = s.Field(step)
		}
	}
	if s == nil {
		return node{}
	}
	return node{Found: true, ListType: s.ListType, Keys: s.Keys, KeyDefaults: s.KeyDefaults, Quantity: s.Quantity,
		Atomic: s.Atomic, Ordered: s.Ordered}
}

// ordered returns n marked Ordered.
func ordered(n node) node {
	n.Ordered = true
	return n
}

// listMap returns the node of a ListMap list keyed by keys.
func listMap(defaults map[string]any, keys ...string) node {
	return node{Found: true, ListType: diff.ListMap, Keys: keys, KeyDefaults: defaults}
}

const podSpec = "spec.template.spec"

func TestBuiltIn(t *testing.T) {
	// client-go's schema, like the API server's, gives required keys their zero value as default.
	noName := map[string]any{"name": ""}
	tests := []struct {
		name string
		gvk  k8sschema.GroupVersionKind
		path string
		want node
	}{
		{"containers", deploymentGVK, podSpec + ".containers", listMap(noName, "name")},
		{"init containers are ordered", deploymentGVK, podSpec + ".initContainers", ordered(listMap(noName, "name"))},
		{"container ports", deploymentGVK, podSpec + ".containers.[].ports",
			listMap(map[string]any{"containerPort": int64(0), "protocol": "TCP"}, "containerPort", "protocol")},
		{"env is ordered", deploymentGVK, podSpec + ".containers.[].env", ordered(listMap(noName, "name"))},
		{"init container env is ordered", deploymentGVK, podSpec + ".initContainers.[].env", ordered(listMap(noName, "name"))},
		{"node selector is atomic", deploymentGVK, podSpec + ".nodeSelector", node{Found: true, Atomic: true}},
		{"label selector is atomic", deploymentGVK, "spec.selector", node{Found: true, Atomic: true}},
		{"match labels inside it", deploymentGVK, "spec.selector.matchLabels", node{Found: true}},
		{"service selector is atomic", serviceGVK, "spec.selector", node{Found: true, Atomic: true}},
		{"labels are granular", deploymentGVK, "metadata.labels", node{Found: true}},
		{"volume mounts", deploymentGVK, podSpec + ".containers.[].volumeMounts", listMap(map[string]any{"mountPath": ""}, "mountPath")},
		{"volumes", deploymentGVK, podSpec + ".volumes", listMap(noName, "name")},
		{"limits", deploymentGVK, podSpec + ".containers.[].resources.limits.cpu", node{Found: true, Quantity: true}},
		{"requests", deploymentGVK, podSpec + ".containers.[].resources.requests.memory", node{Found: true, Quantity: true}},
		{"args are atomic", deploymentGVK, podSpec + ".containers.[].args", node{Found: true, ListType: diff.ListAtomic}},
		{"scalar field", deploymentGVK, "spec.replicas", node{}},
		{"labels", deploymentGVK, "metadata.labels", node{Found: true}},
		{"finalizers", deploymentGVK, "metadata.finalizers", node{Found: true, ListType: diff.ListSet}},
		{"owner references", deploymentGVK, "metadata.ownerReferences", listMap(map[string]any{"uid": ""}, "uid")},
		{"service ports", serviceGVK, "spec.ports",
			listMap(map[string]any{"port": int64(0), "protocol": "TCP"}, "port", "protocol")},
		{"volume claim templates", statefulSetGVK, "spec.volumeClaimTemplates", node{Found: true, ListType: diff.ListAtomic}},
		{"volume claim storage", statefulSetGVK, "spec.volumeClaimTemplates.[].spec.resources.requests.storage",
			node{Found: true, Quantity: true}},
		{"statefulset containers", statefulSetGVK, podSpec + ".containers", listMap(noName, "name")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := BuiltIn(tc.gvk)
			if !ok {
				t.Fatalf("BuiltIn(%s) = false, want true", tc.gvk)
			}
			if diff := cmp.Diff(tc.want, at(s, tc.path)); diff != "" {
				t.Errorf("%s of %s (-want +got):\n%s", tc.path, tc.gvk.Kind, diff)
			}
		})
	}
}

func TestBuiltInUnknown(t *testing.T) {
	tests := []struct {
		name string
		gvk  k8sschema.GroupVersionKind
	}{
		{"custom resource", widgetGVK},
		{"CustomResourceDefinition is not in client-go's scheme",
			k8sschema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}},
		{"unserved version", k8sschema.GroupVersionKind{Group: "apps", Version: "v0", Kind: "Deployment"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if s, ok := BuiltIn(tc.gvk); ok || s != nil {
				t.Errorf("BuiltIn(%s) = %p, %v; want nil, false", tc.gvk, s, ok)
			}
		})
	}
}

// BenchmarkBuiltIn measures BuiltIn, which decodes the table of built-in kinds each call.
func BenchmarkBuiltIn(b *testing.B) {
	for b.Loop() {
		if _, ok := BuiltIn(deploymentGVK); !ok {
			b.Fatal("Deployment is not built in")
		}
	}
}
