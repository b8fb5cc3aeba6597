package cluster_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// gadgetCRD is a namespaced CRD of kind Gadget in group, served in versions (the first is
// stored).
func gadgetCRD(group string, versions ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.%s}\n", group)
	fmt.Fprintf(&b, "spec:\n  group: %s\n  names: {kind: Gadget, listKind: GadgetList, plural: gadgets, singular: gadget}\n  scope: Namespaced\n  versions:\n", group)
	for i, v := range versions {
		fmt.Fprintf(&b, "  - name: %s\n    served: true\n    storage: %t\n    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}\n", v, i == 0)
	}
	return b.String()
}

// installCRD applies a CRD and waits until it is established.
func installCRD(t *testing.T, e *kubeenv.Env, crd, name string) {
	t.Helper()
	e.KubectlT(t, crd, "apply", "-f", "-")
	e.KubectlT(t, "", "wait", "--for", "condition=Established", "--timeout", "30s", "crd/"+name)
}

// TestMapperSeesLaterKinds checks that a Mapper filled before a CRD existed maps the CRD's
// kind, and a version added to it later, without a Reset; and that Reset forgets a kind the
// server no longer serves.
func TestMapperSeesLaterKinds(t *testing.T) {
	e := kubeenv.Require(t, env)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Mapper.RESTMapping(schema.GroupKind{Kind: "ConfigMap"}, "v1"); err != nil {
		t.Fatal(err) // fills the cache
	}
	group := "later.mapper.gitops.io"
	gadget := schema.GroupKind{Group: group, Kind: "Gadget"}
	if _, err := c.Mapper.RESTMapping(gadget, "v1"); !meta.IsNoMatchError(err) {
		t.Fatalf("before the CRD: err = %v, want no match", err)
	}

	installCRD(t, e, gadgetCRD(group, "v1"), "gadgets."+group)
	m, err := c.Mapper.RESTMapping(gadget, "v1")
	if err != nil || m.Resource.Resource != "gadgets" || m.Scope.Name() != meta.RESTScopeNameNamespace {
		t.Fatalf("after the CRD: mapping %+v, err %v; want namespaced gadgets", m, err)
	}

	installCRD(t, e, gadgetCRD(group, "v1", "v2"), "gadgets."+group)
	if _, err := c.Mapper.RESTMapping(gadget, "v2"); err != nil {
		t.Fatalf("a version added later: %v", err)
	}

	e.KubectlT(t, "", "delete", "crd", "gadgets."+group, "--wait")
	// Discovery drops the group shortly after the deletion: poll, resetting each time.
	deadline := time.Now().Add(20 * time.Second)
	for {
		c.Reset()
		_, err := c.Mapper.RESTMapping(gadget, "v1")
		if meta.IsNoMatchError(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the CRD was deleted and Reset: err = %v, want no match", err)
		}
		time.Sleep(100 * time.Millisecond) // polling interval, not synchronisation
	}
}
