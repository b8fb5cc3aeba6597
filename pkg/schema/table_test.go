package schema

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"testing"

	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

var update = flag.Bool("update", false, "rewrite builtin.json from client-go's structured-merge-diff schema")

// convertClientGo converts every kind of client-go's scheme from the structured-merge-diff
// schema client-go ships, as the table was made, and names client-go's module version.
func convertClientGo(t *testing.T) (map[k8sschema.GroupVersionKind]*diff.Schema, string) {
	t.Helper()
	ks := newKindSet(applyconfigurations.NewTypeConverter(scheme.Scheme))
	kinds := map[k8sschema.GroupVersionKind]*diff.Schema{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if s, err := ks.kind(gvk); err == nil {
			kinds[gvk] = s
		}
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/client-go (v\S+)$`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod requires no k8s.io/client-go")
	}
	return kinds, "k8s.io/client-go " + string(m[1])
}

// TestBuiltInTable checks that builtin.json is what client-go's schema gives now; with
// -update (go generate ./pkg/schema), it rewrites it. Run it after upgrading client-go.
func TestBuiltInTable(t *testing.T) {
	kinds, source := convertClientGo(t)
	got, err := encodeTable(source, kinds)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("builtin.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("builtin.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("builtin.json is not what client-go's schema gives (%d bytes, want %d): run go generate ./pkg/schema", len(want), len(got))
	}
}

// TestBuiltInTableDecodes checks that every kind decoded from the table has the schema that
// converting it from client-go's schema gives, node for node, and that decoding then
// encoding the table gives it back.
func TestBuiltInTableDecodes(t *testing.T) {
	b, err := decodeTable(builtinTable)
	if err != nil {
		t.Fatal(err)
	}
	kinds, source := convertClientGo(t)
	if len(b.kinds) != len(kinds) || len(kinds) < 100 {
		t.Errorf("the table has %d kinds, client-go's scheme %d", len(b.kinds), len(kinds))
	}
	for gvk, want := range kinds {
		got, err := b.kind(gvk)
		if err != nil {
			t.Errorf("%s: %v", gvk, err)
			continue
		}
		if path, ok := sameSchema(want, got, map[[2]*diff.Schema]bool{}, ""); !ok {
			t.Errorf("%s differs at %q", gvk, path)
		}
	}
	again, err := encodeTable(source, b.kinds)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, builtinTable) {
		t.Error("encoding the decoded table does not give builtin.json back")
	}
}

// sameSchema reports whether a and b describe the same schema graph, and where they first
// differ. pairs holds the node pairs already being compared: a cycle compares equal.
func sameSchema(a, b *diff.Schema, pairs map[[2]*diff.Schema]bool, path string) (string, bool) {
	if a == nil || b == nil {
		return path, a == nil && b == nil
	}
	if pairs[[2]*diff.Schema{a, b}] {
		return "", true
	}
	pairs[[2]*diff.Schema{a, b}] = true
	if a.ListType != b.ListType || a.Quantity != b.Quantity || a.Atomic != b.Atomic || a.Ordered != b.Ordered ||
		!equalStrings(a.Keys, b.Keys) || !equalDefaults(a.KeyDefaults, b.KeyDefaults) || len(a.Fields) != len(b.Fields) ||
		(a.Fields == nil) != (b.Fields == nil) {
		return path, false
	}
	for name, f := range a.Fields {
		g, ok := b.Fields[name]
		if !ok {
			return path + "." + name, false
		}
		if p, ok := sameSchema(f, g, pairs, path+"."+name); !ok {
			return p, false
		}
	}
	return sameSchema(a.Elem, b.Elem, pairs, path+"[]")
}

func equalStrings(a, b []string) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalDefaults compares key defaults with their types: int64(0) is not "0" nor float64(0).
func equalDefaults(a, b map[string]any) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}
