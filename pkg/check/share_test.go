package check_test

import (
	"context"
	"encoding/json"
	"io"
	iofs "io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// corpusProjects are the third-party manifests of test/corpus, by directory.
var corpusProjects = []string{"guestbook", "kube-prometheus", "podinfo"}

// anySchemas resolves the built-in kinds' schemas, and gives a custom resource an empty
// schema (maps granular, lists atomic) where an API server would give its CRD's.
type anySchemas struct{ *schema.Resolver }

func (s anySchemas) For(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	if sch, err := s.Resolver.For(gvk); err == nil {
		return sch, nil
	}
	return &diff.Schema{}, nil
}

// compileCorpus compiles the manifests of test/corpus/testdata/project without an API server
// (custom resources normalised as sent), with kubectl's hand-edit managers.
func compileCorpus(tb testing.TB, project string) *check.Desired {
	tb.Helper()
	set, err := manifest.Load(filepath.Join("..", "..", "test", "corpus", "testdata", project), manifest.Options{Namespace: "corpus"})
	if err != nil {
		tb.Fatal(err)
	}
	norm, err := normalize.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := check.Compiler{Schemas: anySchemas{schema.NewResolver(nil)}, Normalizer: norm, Manual: check.DefaultManualManagers()}.Compile(set, "corpus")
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// scribble writes over every map and list of v: what a caller may do to a copy it was given.
func scribble(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			scribble(c)
			x[k] = "scribbled"
		}
		x["scribbled"] = true
	case []any:
		for i, c := range x {
			scribble(c)
			x[i] = int64(-1)
		}
	}
}

// scribbler is a Remediator that builds a body from the target, as remediation does
// (Target.Written), and writes over it.
type scribbler struct{ calls int }

func (s *scribbler) Remediate(_ context.Context, t *check.Target, _ *unstructured.Unstructured) (check.Remediation, error) {
	s.calls++
	scribble(t.Written())
	return check.Remediation{}, nil
}

// hand returns a live copy of t edited by hand: a label, a changed replicas or data, and
// kubectl-label's managedFields for the label, so that Compare reports drift of both kinds and
// computes t's defaults.
func hand(t *check.Target) map[string]any {
	obj := handLabelled(t)
	if spec, ok := obj["spec"].(map[string]any); ok {
		spec["replicas"] = int64(9)
	}
	if data, ok := obj["data"].(map[string]any); ok {
		for k := range data {
			data[k] = "changed"
		}
	}
	return obj
}

// TestWantNeverWritten checks that nothing writes into a compiled target's Want, whose parts
// are shared with other targets (and with the live projections the auditor keeps): after
// comparing every target of the corpora with a live copy edited by hand and with its
// projection, looking up Git's values of the drifted fields, reporting the drift, remediating
// it with a Remediator that writes over the body it builds, and writing over Written's
// copies, every Want is as it was compiled.
func TestWantNeverWritten(t *testing.T) {
	for _, project := range corpusProjects {
		t.Run(project, func(t *testing.T) {
			d := compileCorpus(t, project)
			before := make([]map[string]any, len(d.Targets))
			for i := range d.Targets {
				before[i] = runtime.DeepCopyJSON(d.Targets[i].Want)
			}
			live := liveMap{}
			d.SetSecretKey(check.NewSecretKey())
			for i := range d.Targets {
				tg := &d.Targets[i]
				if tg.Policy.Skip {
					continue
				}
				obj := hand(tg)
				live[tg.Key.Name] = obj
				for _, f := range tg.Compare(tg.Project(obj)) { // as the auditor compares
					if p, err := diff.ParsePath(f.Path); err == nil {
						tg.GitValue(p)
					}
				}
				scribble(tg.Written())
			}
			rem := &scribbler{}
			r := check.Run(t.Context(), d, live, check.Options{Remediator: rem})
			if _, err := json.Marshal(r); err != nil {
				t.Fatal(err)
			}
			if err := report.Text(io.Discard, r); err != nil {
				t.Fatal(err)
			}
			if rem.calls == 0 {
				t.Fatal("nothing remediated: the corpus does not drift")
			}
			for i := range d.Targets {
				if diff := cmp.Diff(before[i], d.Targets[i].Want); diff != "" {
					t.Errorf("%s: Want changed (-want +got):\n%s", d.Targets[i].Key, diff)
				}
			}
		})
	}
}

// sharedApp is two Deployments and a Service with equal parts: labels repeated in the
// selectors and templates, the same resources and probe in both Deployments.
const sharedApp = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, labels: {app: a}}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - name: app
          image: registry.example.com/a:1
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, labels: {app: b}}
spec:
  selector: {matchLabels: {app: b}}
  template:
    metadata: {labels: {app: b}}
    spec:
      containers:
        - name: app
          image: registry.example.com/b:1
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 256Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 5}
---
apiVersion: v1
kind: Service
metadata: {name: a, labels: {app: a}}
spec:
  selector: {app: a}
  ports: [{port: 80}]
`

// TestWantShared checks that Compile holds the equal parts of the targets' Want once, within
// one object and across objects, and that a target's defaulted copy shares with Want what the
// defaults left as it was.
func TestWantShared(t *testing.T) {
	d := compileOffline(t, sharedApp, check.DefaultManualManagers())
	want := func(group, kind, name string) map[string]any {
		tg, ok := d.Lookup(manifest.Key{Group: group, Kind: kind, Namespace: "demo", Name: name})
		if !ok {
			t.Fatalf("no %s %s", kind, name)
		}
		return tg.Want
	}
	a, b, svc := want("apps", "Deployment", "a"), want("apps", "Deployment", "b"), want("", "Service", "a")
	tests := []struct {
		name         string
		x, y         map[string]any
		xPath, yPath string
		shared       bool
	}{
		{"labels and selector", a, a, "metadata.labels", "spec.selector.matchLabels", true},
		{"labels and the template's", a, a, "metadata.labels", "spec.template.metadata.labels", true},
		{"a Deployment's and a Service's", a, svc, "spec.selector.matchLabels", "spec.selector", true},
		{"resources of two Deployments", a, b, "spec.template.spec.containers[name=app].resources", "spec.template.spec.containers[name=app].resources", true},
		{"probes of two Deployments", a, b, "spec.template.spec.containers[name=app].readinessProbe", "spec.template.spec.containers[name=app].readinessProbe", true},
		{"labels of two Deployments", a, b, "metadata.labels", "metadata.labels", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := valueAt(t, tt.x, tt.xPath), valueAt(t, tt.y, tt.yPath)
			if got := mapID(x) == mapID(y); got != tt.shared {
				t.Errorf("%s and %s: one map = %t, want %t", tt.xPath, tt.yPath, got, tt.shared)
			}
		})
	}
	t.Run("label values", func(t *testing.T) {
		x, y := valueAt(t, a, "metadata.labels.app").(string), valueAt(t, svc, "metadata.labels.app").(string)
		if unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("the label value %q is held twice", x)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		tg, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "demo", Name: "a"})
		def := tg.WithDefaults()
		if def == nil {
			t.Fatal("no defaults")
		}
		if _, ok := diff.Get(def, mustParse(t, "spec.template.spec.containers[name=app].imagePullPolicy"), tg.Schema); !ok {
			t.Error("the defaulted copy has no imagePullPolicy: not defaulted")
		}
		for _, p := range []string{"metadata.labels", "spec.selector", "spec.template.spec.containers[name=app].resources"} {
			if mapID(valueAt(t, def, p)) != mapID(valueAt(t, tg.Want, p)) {
				t.Errorf("%s: the defaulted copy holds a map of its own, want Want's", p)
			}
		}
	})
}

// valueAt returns the value at path p of obj, which must have one.
func valueAt(t *testing.T, obj map[string]any, p string) any {
	t.Helper()
	v, ok := diff.Get(obj, mustParse(t, p), nil)
	if !ok {
		t.Fatalf("no value at %s", p)
	}
	return v
}

func mustParse(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// mapID returns the identity of a map: two maps with the same identity are one.
func mapID(v any) unsafe.Pointer { return reflect.ValueOf(v).UnsafePointer() }

// TestWantSharedAsAfterwards checks that sharing each Want as soon as it is compiled gives
// the targets what sharing every Want through one table after the compilation, in the
// targets' order, gives them: equal Wants, in the same order, and the same parts held once
// (sharing), part for part.
func TestWantSharedAsAfterwards(t *testing.T) {
	for _, project := range append(slices.Clone(corpusProjects), "macrobench") {
		t.Run(project, func(t *testing.T) {
			load := func() *manifest.Set {
				var fs iofs.FS = macroManifests(1000)
				if project != "macrobench" {
					fs = os.DirFS(filepath.Join("..", "..", "test", "corpus", "testdata", project))
				}
				set, err := manifest.LoadFS(fs, manifest.Options{Namespace: "corpus"})
				if err != nil {
					t.Fatal(err)
				}
				return set
			}
			norm, err := normalize.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			c := check.Compiler{Schemas: anySchemas{schema.NewResolver(nil)}, Normalizer: norm, Manual: check.DefaultManualManagers()}
			got, err := c.Compile(load(), "rev")
			if err != nil {
				t.Fatal(err)
			}
			want, err := check.Unshared(c).Compile(load(), "rev")
			if err != nil {
				t.Fatal(err)
			}
			tab := share.NewTable()
			for i := range want.Targets {
				want.Targets[i].Want = tab.Object(want.Targets[i].Want)
			}
			if diff := cmp.Diff(wants(want), wants(got)); diff != "" {
				t.Errorf("Wants (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(sharing(want), sharing(got)); diff != "" {
				t.Errorf("the parts held once, numbered as first met (-want +got):\n%s", diff)
			}
		})
	}
}

// wants returns the keys and Wants of d's targets, in order.
func wants(d *check.Desired) []any {
	out := make([]any, 0, 2*len(d.Targets))
	for i := range d.Targets {
		out = append(out, d.Targets[i].Key, d.Targets[i].Want)
	}
	return out
}

// sharing numbers each map, list and string of d's targets' Wants by the first time a walk
// of them, in order and keys sorted, meets it, and returns the numbers in the order met: two
// Desired with equal Wants give the same numbers when the same parts are held once.
func sharing(d *check.Desired) []int {
	seen := map[unsafe.Pointer]int{}
	var out []int
	var walk func(v any)
	note := func(p unsafe.Pointer) bool {
		n, ok := seen[p]
		if !ok {
			n = len(seen)
			seen[p] = n
		}
		out = append(out, n)
		return !ok
	}
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" {
				note(unsafe.Pointer(unsafe.StringData(x)))
			}
		case map[string]any:
			if note(mapID(x)) {
				for _, k := range slices.Sorted(maps.Keys(x)) {
					walk(k)
					walk(x[k])
				}
			}
		case []any:
			if len(x) > 0 && note(unsafe.Pointer(unsafe.SliceData(x))) {
				for _, e := range x {
					walk(e)
				}
			}
		}
	}
	for i := range d.Targets {
		walk(d.Targets[i].Want)
	}
	return out
}
