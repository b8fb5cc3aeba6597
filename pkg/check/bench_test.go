package check_test

import (
	"os"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

func readJSON(b *testing.B, path string) map[string]any {
	b.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var obj map[string]any
	if err := utiljson.Unmarshal(raw, &obj); err != nil {
		b.Fatal(err)
	}
	return obj
}

func mustPath(b *testing.B, s string) diff.Path {
	b.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkTargetCompare compares a compiled Deployment target with its live copy: the
// normalisation happened at Compile, so this costs what diff.Compare costs.
func BenchmarkTargetCompare(b *testing.B) {
	desired := &unstructured.Unstructured{Object: readJSON(b, "../diff/testdata/deployment.desired.json")}
	live := readJSON(b, "../diff/testdata/deployment.live.json")
	// The diff package's live copy reorders env, which is drift here (env order is significant).
	env, _ := diff.Get(desired.Object, mustPath(b, "spec.template.spec.containers[name=frontend].env"), nil)
	if err := diff.Set(live, mustPath(b, "spec.template.spec.containers[name=frontend].env"), nil, env); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	j, err := desired.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(dir+"/d.json", j, 0o600); err != nil {
		b.Fatal(err)
	}
	set, err := manifest.Load(dir, manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := check.Compile(set, "bench", schema.NewResolver(nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	t := &d.Targets[0]
	if got := t.Compare(live); len(got) != 0 {
		b.Fatalf("Compare() = %v, want no drift", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		t.Compare(live)
	}
}

// BenchmarkTargetCompareSecret compares a compiled Secret whose Git manifest spells its keys
// under stringData with a live copy where two of them changed: the comparison at data.K and
// the renaming of the drifted fields to stringData.K.
func BenchmarkTargetCompareSecret(b *testing.B) {
	set, err := manifest.LoadFS(fstest.MapFS{"s.yaml": {Data: []byte(`
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: app}
type: Opaque
data: {ca.crt: Y2E=}
stringData: {user: admin, password: hunter2, token: t0k3n}
`)}}, manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	d, err := check.Compile(set, "bench", schema.NewResolver(nil), nil)
	if err != nil {
		b.Fatal(err)
	}
	live := map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
		"metadata": map[string]any{"name": "s", "namespace": "app"},
		"data":     map[string]any{"ca.crt": "Y2E=", "user": "YWRtaW4=", "password": "bGl2ZQ==", "token": "bGl2ZQ=="}}
	t := &d.Targets[0]
	if got := t.Compare(live); len(got) != 2 {
		b.Fatalf("Compare() = %v, want 2 drifted keys", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		t.Compare(live)
	}
}
