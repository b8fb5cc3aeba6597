package auditor

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// compileOffline compiles manifests (YAML) with the built-in schemas and kubectl's hand-edit
// managers, as serve does, without an API server.
func compileOffline(t testing.TB, manifests string) *check.Desired {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(manifests)}}, manifest.Options{Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Manual: check.DefaultManualManagers()}.Compile(set, "test")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// liveObject parses a live object written in YAML, numbers as a decoded object has them.
func liveObject(t testing.TB, s string) *unstructured.Unstructured {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: obj}
}

const fpDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.25
          args: [serve]
          ports: [{containerPort: 8080}]
          env: [{name: MODE, value: prod}]
`

// fpLive is a live copy of fpDeployment with what the server and other writers add.
const fpLive = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  uid: u-1
  resourceVersion: "7"
  generation: 3
  labels: {app: web, team: a}
  annotations: {deployment.kubernetes.io/revision: "3"}
spec:
  replicas: 3
  revisionHistoryLimit: 10
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.26
          ports: [{containerPort: 8080, protocol: TCP}, {containerPort: 9090, protocol: TCP}]
          env: [{name: MODE, value: debug}, {name: TRACE, value: "1"}]
          resources: {limits: {cpu: "1"}}
        - name: sidecar
          image: envoy:1
status: {replicas: 3}
`

// TestFingerprint checks which changes of Git's object change a target's identity (its
// results are not reused) and its mask (its scope lists again), and that where the mask stays
// the same, the copy projected for the old target checks the new one as the whole object
// would.
func TestFingerprint(t *testing.T) {
	tests := []struct {
		name     string
		after    string
		sameID   bool
		sameMask bool
	}{
		{name: "the same object", after: fpDeployment, sameID: true, sameMask: true},
		{name: "the same object, spelt otherwise", after: `
apiVersion: apps/v1
kind: Deployment
metadata: {labels: {app: web}, name: web}
spec:
  template:
    spec:
      containers: [{env: [{value: prod, name: MODE}], name: web, image: "nginx:1.25", ports: [{containerPort: 8080}], args: [serve]}]
    metadata: {labels: {app: web}}
  selector: {matchLabels: {app: web}}
  replicas: 2
`, sameID: true, sameMask: true},
		{name: "another image", after: replace(fpDeployment, "nginx:1.25", "nginx:1.26")},        // a value: the copy marks what equals Want (diff.Project)
		{name: "another replicas", after: replace(fpDeployment, "replicas: 2", "replicas: 3")},   // a value: the copy marks what equals Want (diff.Project)
		{name: "another env value", after: replace(fpDeployment, "value: prod", "value: debug")}, // a value: the copy marks what equals Want (diff.Project)
		{name: "another env variable", after: replace(fpDeployment, "name: MODE", "name: TRACE")},
		{name: "another arg", after: replace(fpDeployment, "args: [serve]", "args: [run]")}, // a value: the copy marks what equals Want (diff.Project)
		{name: "one more arg", after: replace(fpDeployment, "args: [serve]", "args: [serve, --fast]")},
		{name: "a null value set", after: replace(fpDeployment, "env: [{name: MODE, value: prod}]", "env: [{name: MODE, value: null}]")},
		{name: "another port", after: replace(fpDeployment, "containerPort: 8080", "containerPort: 9090")},
		{name: "another container", after: replace(fpDeployment, "- name: web", "- name: sidecar")},
		{name: "a field Git did not set", after: replace(fpDeployment, "replicas: 2", "replicas: 2\n  revisionHistoryLimit: 5")},
		{name: "a label Git did not set", after: replace(fpDeployment, "labels: {app: web}}\nspec:\n  replicas", "labels: {app: web, team: b}}\nspec:\n  replicas")},
		{name: "an ignored path", after: replace(fpDeployment, "metadata: {name: web,", "metadata: {annotations: {drift.gitops.io/ignore-fields: spec.replicas}, name: web,")},
	}
	h := newHasher()
	before := compileOffline(t, fpDeployment).Targets[0]
	fpBefore := h.target(&before, map[*diff.Schema]uint64{})
	live := liveObject(t, fpLive)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := compileOffline(t, tt.after).Targets[0]
			fp := h.target(&after, map[*diff.Schema]uint64{})
			if got := fp.same(fpBefore); got != tt.sameID {
				t.Errorf("same id = %v, want %v", got, tt.sameID)
			}
			if got := fp.sameMask(fpBefore); got != tt.sameMask {
				t.Errorf("same mask = %v, want %v", got, tt.sameMask)
			}
			if !tt.sameMask {
				return
			}
			// Not listed again: the copy projected for the old target must do for the new.
			v := &view{d: compileOffline(t, fpDeployment)}
			cached := v.keep(live.DeepCopy())
			if diff := cmp.Diff(after.Compare(live.Object), after.Compare(after.Resolve(cached.Object))); diff != "" {
				t.Errorf("Compare of the copy projected for the old target (-whole +projected):\n%s", diff)
			}
		})
	}
}

// replace returns s with old replaced by new once, failing loudly when old is absent.
func replace(s, old, new string) string {
	if !strings.Contains(s, old) {
		panic("replace: " + old + " not found")
	}
	return strings.Replace(s, old, new, 1)
}

// TestFingerprintSchema checks that the schema counts by content, not by pointer: a reload
// resolves custom resources' schemas again.
func TestFingerprintSchema(t *testing.T) {
	gvk := schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	resolve := func() *diff.Schema {
		s, err := builtin.NewResolver(nil).For(gvk)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name     string
		change   func(*diff.Schema)
		sameID   bool
		sameMask bool
	}{
		{name: "the same schema, resolved again", change: func(*diff.Schema) {}, sameID: true, sameMask: true},
		{name: "containers matched by another key", change: func(s *diff.Schema) {
			s.At(mustParsePath(t, "spec.template.spec.containers")).Keys = []string{"image"}
		}},
		{name: "a list made atomic", change: func(s *diff.Schema) {
			s.At(mustParsePath(t, "spec.template.spec.containers")).ListType = diff.ListAtomic
		}},
		{name: "the selector not atomic", change: func(s *diff.Schema) {
			sel := s.At(mustParsePath(t, "spec.selector"))
			sel.Atomic = !sel.Atomic
		}},
	}
	h := newHasher()
	tg := compileOffline(t, fpDeployment).Targets[0]
	tg.Schema = resolve()
	before := h.target(&tg, map[*diff.Schema]uint64{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			after := tg
			after.Schema = resolve()
			tt.change(after.Schema)
			fp := h.target(&after, map[*diff.Schema]uint64{})
			if got := fp.same(before); got != tt.sameID {
				t.Errorf("same id = %v, want %v", got, tt.sameID)
			}
			if got := fp.sameMask(before); got != tt.sameMask {
				t.Errorf("same mask = %v, want %v", got, tt.sameMask)
			}
		})
	}
}

func mustParsePath(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkFingerprint measures the fingerprint of a Deployment, computed once per target per
// reload; the schema's hash once per kind.
func BenchmarkFingerprint(b *testing.B) {
	h := newHasher()
	tg := compileOffline(b, fpDeployment).Targets[0]
	b.Run("target", func(b *testing.B) {
		schemas := map[*diff.Schema]uint64{}
		for b.Loop() {
			h.target(&tg, schemas)
		}
	})
	b.Run("schema", func(b *testing.B) {
		for b.Loop() {
			h.schema(tg.Schema)
		}
	})
}
