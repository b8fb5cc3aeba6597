package check_test

import (
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
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

// retainedObjects is the number of objects of each kind BenchmarkCompileRetained compiles.
const retainedObjects = 250

// retainedManifests returns n Deployments, Services, ConfigMaps and Secrets in the shapes a
// team writes them, one file each.
func retainedManifests(n int) fstest.MapFS {
	fs := fstest.MapFS{}
	for i := range n {
		fs[fmt.Sprintf("app-%d.yaml", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: bench
  labels: {app.kubernetes.io/name: app-%[1]d, app.kubernetes.io/part-of: shop, team: checkout}
  annotations: {owner: checkout@example.com}
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: app-%[1]d}
  template:
    metadata:
      labels: {app.kubernetes.io/name: app-%[1]d, app.kubernetes.io/part-of: shop}
    spec:
      serviceAccountName: app-%[1]d
      containers:
        - name: app
          image: registry.example.com/shop/app-%[1]d:1.4.%[1]d
          args: [--port=8080, --log-format=json]
          ports:
            - {name: http, containerPort: 8080}
            - {name: metrics, containerPort: 9090}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: DB_HOST, value: db.bench.svc}
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: app-%[1]d, key: password}}
          resources:
            requests: {cpu: "0.25", memory: 256Mi}
            limits: {cpu: "1", memory: 512Mi}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 5
          securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
---
apiVersion: v1
kind: Service
metadata: {name: app-%[1]d, namespace: bench, labels: {app.kubernetes.io/name: app-%[1]d}}
spec:
  selector: {app.kubernetes.io/name: app-%[1]d}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: metrics, port: 9090, targetPort: metrics}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: app-%[1]d, namespace: bench}
data: {LOG_LEVEL: info, TTL: "300", FEATURES: "checkout,cart,search", ID: "%[1]d"}
---
apiVersion: v1
kind: Secret
metadata: {name: app-%[1]d, namespace: bench}
type: Opaque
stringData: {username: app-%[1]d, password: not-a-real-password-%[1]d}
`, i)}
	}
	return fs
}

// BenchmarkCompileRetained reports the heap a compiled desired state keeps per target
// (B/target: runtime.MemStats.HeapAlloc after a GC, the manifest set dropped), for
// retainedObjects Deployments, Services, ConfigMaps and Secrets, and what the defaulted copy of
// each target adds once a hand edit needed it (B/target-defaults); the -unshared metrics are
// the same with each Want packed in a table of its own and the defaulted copies' equal parts
// not shared (check.Unshared).
func BenchmarkCompileRetained(b *testing.B) {
	fs := retainedManifests(retainedObjects)
	load := func() (*manifest.Set, error) { return manifest.LoadFS(fs, manifest.Options{}) }
	var shared, unshared retained
	for b.Loop() {
		shared = measureRetained(b, func(c check.Compiler) check.Compiler { return c }, load, true)
		unshared = measureRetained(b, check.Unshared, load, true)
	}
	b.ReportMetric(shared.perTarget, "B/target")
	b.ReportMetric(shared.perDefaults, "B/target-defaults")
	b.ReportMetric(unshared.perTarget, "B/target-unshared")
	b.ReportMetric(unshared.perDefaults, "B/target-defaults-unshared")
}

// BenchmarkCompileRetainedCorpus is BenchmarkCompileRetained (without defaults) on the
// third-party manifests of test/corpus, compiled without an API server (custom resources as
// sent): manifests written by others, less alike than the generated ones. kube-prometheus is
// measured with and without its four CustomResourceDefinitions, whose schemas repeat whole
// subtrees (a container's, a volume's) and weigh most of its bytes.
func BenchmarkCompileRetainedCorpus(b *testing.B) {
	projects := append(slices.Clone(corpusProjects), "kube-prometheus-without-crds")
	for _, project := range projects {
		b.Run(project, func(b *testing.B) {
			fs := corpusFS(b, project)
			load := func() (*manifest.Set, error) { return manifest.LoadFS(fs, manifest.Options{Namespace: "corpus"}) }
			var shared, unshared retained
			for b.Loop() {
				shared = measureRetained(b, func(c check.Compiler) check.Compiler { return c }, load, false)
				unshared = measureRetained(b, check.Unshared, load, false)
			}
			b.ReportMetric(shared.targets, "targets")
			b.ReportMetric(shared.perTarget, "B/target")
			b.ReportMetric(unshared.perTarget, "B/target-unshared")
		})
	}
}

// corpusFS returns the files of test/corpus/testdata/project in memory; for
// kube-prometheus-without-crds, kube-prometheus's without its CustomResourceDefinitions.
func corpusFS(b *testing.B, project string) fstest.MapFS {
	dir, withCRDs := project, true
	if p, ok := strings.CutSuffix(project, "-without-crds"); ok {
		dir, withCRDs = p, false
	}
	root := filepath.Join("..", "..", "test", "corpus", "testdata", dir)
	fs := fstest.MapFS{}
	err := filepath.WalkDir(root, func(path string, e iofs.DirEntry, err error) error {
		if err != nil || e.IsDir() || (!withCRDs && strings.HasSuffix(path, "CustomResourceDefinition.yaml")) {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		fs[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return fs
}

// retained is what measureRetained measured.
type retained struct {
	targets, perTarget, perDefaults float64
}

// measureRetained compiles the set load returns with the compiler opt makes and returns the
// heap the Desired keeps per target and, with defaults, what the targets' defaulted copies
// add once a hand edit needed them.
func measureRetained(b *testing.B, opt func(check.Compiler) check.Compiler, load func() (*manifest.Set, error), defaults bool) retained {
	// What every target shares (the scheme, the schemas of the kinds) is not counted: built,
	// and warmed up with a first compilation, before the heap is measured.
	norm, err := normalize.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	c := opt(check.Compiler{Schemas: anySchemas{schema.NewResolver(nil)}, Normalizer: norm, Manual: check.DefaultManualManagers()})
	set, err := load()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Compile(set, "warm-up"); err != nil {
		b.Fatal(err)
	}
	set = nil
	before := heapAfterGC()
	set, err = load()
	if err != nil {
		b.Fatal(err)
	}
	d, err := c.Compile(set, "bench")
	if err != nil {
		b.Fatal(err)
	}
	set = nil
	compiled := heapAfterGC()
	n := float64(len(d.Targets))
	r := retained{targets: n, perTarget: float64(compiled-before) / n}
	if defaults {
		for i := range d.Targets {
			d.Targets[i].Compare(handLabelled(&d.Targets[i]))
		}
		r.perDefaults = float64(heapAfterGC()-compiled) / n
	}
	runtime.KeepAlive(d)
	runtime.KeepAlive(c)
	return r
}

// BenchmarkCompile compiles 1,000 and 10,000 objects (a quarter each Deployments, Services,
// ConfigMaps and Secrets, as BenchmarkCompileRetained's), loaded once: what a reload costs
// after the YAML is read.
func BenchmarkCompile(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			set, err := manifest.LoadFS(retainedManifests(n/4), manifest.Options{})
			if err != nil {
				b.Fatal(err)
			}
			norm, err := normalize.New(nil)
			if err != nil {
				b.Fatal(err)
			}
			c := check.Compiler{Schemas: schema.NewResolver(nil), Normalizer: norm, Manual: check.DefaultManualManagers()}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Compile(set, "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// heapAfterGC returns the bytes of live heap after a full collection.
func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// handLabelled returns a live copy of t with a label added by kubectl label: a hand edit, which
// makes Compare compute t's defaults.
func handLabelled(t *check.Target) map[string]any {
	obj := t.Written()
	md := obj["metadata"].(map[string]any)
	labels, _ := md["labels"].(map[string]any)
	if labels == nil {
		labels = map[string]any{}
		md["labels"] = labels
	}
	labels["hand"] = "yes"
	md["managedFields"] = []any{map[string]any{"manager": "kubectl-label", "operation": "Update",
		"fieldsV1": map[string]any{"f:metadata": map[string]any{"f:labels": map[string]any{"f:hand": map[string]any{}}}}}}
	return obj
}
