package check_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// TestLookup checks that Lookup finds every target by its key, and nothing else, with keys
// that differ in one part only (the kind, the namespace, the name, the group): Lookup searches
// the targets in the order manifest.Set gives them, so an order it does not expect shows here.
func TestLookup(t *testing.T) {
	objects := []struct{ apiVersion, kind, namespace, name string }{
		{"v1", "ConfigMap", "b", "x"},
		{"v1", "ConfigMap", "a", "y"},
		{"v1", "ConfigMap", "a", "x"},
		{"apps/v1", "Deployment", "a", "x"},
		{"example.com/v1", "Deployment", "a", "x"},
		{"aaa.example.com/v1", "Deployment", "a", "x"},
		{"apps/v1", "Deployment", "a", "y"},
		{"zzz.example.com/v1", "Deployment", "a", "w"},
		{"v1", "Namespace", "", "a"},
		{"example.com/v1", "Widget", "", "a"},
		{"example.com/v1", "Widget", "a", "a"},
	}
	var src strings.Builder
	for _, o := range objects {
		fmt.Fprintf(&src, "---\napiVersion: %s\nkind: %s\nmetadata:\n  name: %q\n", o.apiVersion, o.kind, o.name)
		if o.namespace != "" {
			fmt.Fprintf(&src, "  namespace: %q\n", o.namespace)
		}
		src.WriteString("  annotations: {drift.gitops.io/skip: \"true\"}\n") // no schema needed
	}
	d, err := compileYAML(t, src.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Targets) != len(objects) {
		t.Fatalf("got %d targets, want %d", len(d.Targets), len(objects))
	}
	for i := range d.Targets {
		k := d.Targets[i].Key
		t.Run(k.String()+" "+k.Group, func(t *testing.T) {
			got, ok := d.Lookup(k)
			if !ok {
				t.Fatalf("Lookup(%v) found nothing", k)
			}
			if diff := cmp.Diff(k, got.Key); diff != "" {
				t.Errorf("Lookup(%v) (-want +got):\n%s", k, diff)
			}
			if got != &d.Targets[i] {
				t.Errorf("Lookup(%v) is not the target at %d", k, i)
			}
		})
	}
	for _, k := range []manifest.Key{
		{Kind: "ConfigMap", Namespace: "a", Name: "z"},
		{Kind: "ConfigMap", Namespace: "c", Name: "x"},
		{Kind: "ConfigMap", Name: "x"},
		{Group: "other.example.com", Kind: "Deployment", Namespace: "a", Name: "x"},
		{Kind: "Deployment", Namespace: "a", Name: "x"},
		{Kind: "Secret", Namespace: "a", Name: "x"},
		{Kind: "AAA", Namespace: "a", Name: "x"},
		{},
	} {
		t.Run("absent "+k.String()+" "+k.Group, func(t *testing.T) {
			if got, ok := d.Lookup(k); ok {
				t.Errorf("Lookup(%v) = %v, want nothing", k, got.Key)
			}
		})
	}
}

// BenchmarkLookup looks up each of 10,000 targets of test/macrobench's corpus in turn, as the
// webhook does once per request.
func BenchmarkLookup(b *testing.B) {
	set, err := manifest.LoadFS(macroManifests(10000), manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := check.Compile(set, "bench", schema.NewResolver(nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]manifest.Key, len(d.Targets))
	for i := range d.Targets {
		keys[i] = d.Targets[(i*7919)%len(keys)].Key // not in order
	}
	i := 0
	for b.Loop() {
		if _, ok := d.Lookup(keys[i%len(keys)]); !ok {
			b.Fatal("not found")
		}
		i++
	}
}
