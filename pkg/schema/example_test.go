package schema_test

import (
	"errors"
	"fmt"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

func ExampleBuiltIn() {
	s, _ := schema.BuiltIn(k8sschema.GroupVersionKind{Version: "v1", Kind: "Service"})
	ports := s.Field("spec").Field("ports")
	fmt.Println(ports.ListType, ports.Keys, ports.KeyDefaults["protocol"])
	// Output: map [port protocol] TCP
}

func ExampleResolver_For() {
	r := schema.NewResolver(nil) // offline: built-in kinds only
	_, err := r.For(k8sschema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Widget"})
	fmt.Println(errors.Is(err, schema.ErrUnknownKind))
	// Output: true
}
