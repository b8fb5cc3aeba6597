package cluster

import (
	"os"
	"reflect"
	"regexp"
	"strconv"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// TestTypesMinor checks typesMinor against the k8s.io/api that go.mod requires: after an
// upgrade, protobuf must follow the types, or a newer server's fields would be dropped.
func TestTypesMinor(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/api v0\.(\d+)\.`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod requires no k8s.io/api v0.x")
	}
	if minor, _ := strconv.Atoi(string(m[1])); minor != typesMinor {
		t.Errorf("typesMinor = %d, go.mod requires k8s.io/api v0.%d", typesMinor, minor)
	}
}

// TestProtobufReaderServerVersion checks that protobuf is read only from servers no newer
// than the types.
func TestProtobufReaderServerVersion(t *testing.T) {
	tests := []struct {
		server string
		want   bool
	}{
		{"v1.37.2", true},
		{"v1.30.0-gke.1", true},
		{"v1.38.0", false},
		{"", false}, // unknown
	}
	for _, tc := range tests {
		t.Run(tc.server, func(t *testing.T) {
			c := &Client{config: &rest.Config{Host: "https://127.0.0.1:6443"}}
			if tc.server != "" {
				c.server = version.MustParseGeneric(tc.server)
			}
			if got := newProtobufReader(c, ReaderOptions{}) != nil; got != tc.want {
				t.Errorf("reads protobuf from %q: %v, want %v", tc.server, got, tc.want)
			}
		})
	}
}

func TestProtobufComplete(t *testing.T) {
	tests := []struct {
		gvk  schema.GroupVersionKind
		want bool
	}{
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, true},
		{schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, true},
		{schema.GroupVersionKind{Version: "v1", Kind: "Secret"}, true},
		{schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}, true},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ControllerRevision"}, true}, // RawExtension
		// volumeClaimTemplates are PersistentVolumeClaims with their TypeMeta, which JSON has
		// and protobuf has not.
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.gvk.Kind, func(t *testing.T) {
			typ, ok := scheme.Scheme.AllKnownTypes()[tc.gvk]
			if !ok {
				t.Fatalf("%s is not in client-go's scheme", tc.gvk)
			}
			if got := protobufComplete(typ, true, map[reflect.Type]bool{}); got != tc.want {
				t.Errorf("protobufComplete(%s) = %v, want %v", tc.gvk.Kind, got, tc.want)
			}
		})
	}
}
