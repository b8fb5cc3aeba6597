package check_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	iofs "io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
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
				before[i] = runtime.DeepCopyJSON(d.Targets[i].Want())
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
				for _, f := range tg.Compare(tg.Resolve(tg.Project(obj))) { // as the auditor compares
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
				if diff := cmp.Diff(before[i], d.Targets[i].Want()); diff != "" {
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

// TestWantShared checks that Compile holds the equal leaves of the targets' Want once, within
// one object and across objects; that a target read again is not thawed again; that Written
// is a copy of its own; that once expanded the equal parts of the targets' Want are one map
// each, and Want unchanged; and that a target's defaulted copy holds its own equal parts once.
func TestWantShared(t *testing.T) {
	d := compileOffline(t, sharedApp, check.DefaultManualManagers())
	want := func(group, kind, name string) map[string]any {
		tg, ok := d.Lookup(manifest.Key{Group: group, Kind: kind, Namespace: "demo", Name: name})
		if !ok {
			t.Fatalf("no %s %s", kind, name)
		}
		return tg.Want()
	}
	a, b, svc := want("apps", "Deployment", "a"), want("apps", "Deployment", "b"), want("", "Service", "a")
	tests := []struct {
		name         string
		x, y         map[string]any
		xPath, yPath string
	}{
		{"labels and selector", a, a, "metadata.labels", "spec.selector.matchLabels"},
		{"labels and the template's", a, a, "metadata.labels", "spec.template.metadata.labels"},
		{"a Deployment's and a Service's", a, svc, "spec.selector.matchLabels", "spec.selector"},
		{"resources of two Deployments", a, b, "spec.template.spec.containers[name=app].resources", "spec.template.spec.containers[name=app].resources"},
		{"probes of two Deployments", a, b, "spec.template.spec.containers[name=app].readinessProbe", "spec.template.spec.containers[name=app].readinessProbe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := valueAt(t, tt.x, tt.xPath), valueAt(t, tt.y, tt.yPath)
			if diff := cmp.Diff(x, y); diff != "" {
				t.Fatalf("%s and %s differ (-x +y):\n%s", tt.xPath, tt.yPath, diff)
			}
			if mapID(x) == mapID(y) {
				t.Errorf("%s and %s: one map, want a map each", tt.xPath, tt.yPath)
			}
			if diff := cmp.Diff(stringsOf(x), stringsOf(y)); diff != "" {
				t.Errorf("%s and %s: the strings are held twice (-x +y):\n%s", tt.xPath, tt.yPath, diff)
			}
		})
	}
	t.Run("label values", func(t *testing.T) {
		x, y := valueAt(t, a, "metadata.labels.app").(string), valueAt(t, svc, "metadata.labels.app").(string)
		if unsafe.StringData(x) != unsafe.StringData(y) {
			t.Errorf("the label value %q is held twice", x)
		}
	})
	t.Run("read again, not thawed again", func(t *testing.T) {
		tg, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "demo", Name: "a"})
		if x, y := tg.Want(), tg.Want(); mapID(x) != mapID(y) {
			t.Error("two reads of one target built two trees")
		}
		if n := testing.AllocsPerRun(10, func() { tg.Want() }); n != 0 {
			t.Errorf("a read of a target read last allocates %v times, want 0", n)
		}
	})
	t.Run("Written is a copy to write", func(t *testing.T) {
		tg, _ := d.Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "demo", Name: "a"})
		before := runtime.DeepCopyJSON(tg.Want())
		w := tg.Written()
		if mapID(w) == mapID(tg.Want()) {
			t.Fatal("Written returned the tree Want shares")
		}
		w["spec"].(map[string]any)["replicas"] = int64(99)
		if diff := cmp.Diff(before, tg.Want()); diff != "" {
			t.Errorf("writing Written's copy changed Want (-want +got):\n%s", diff)
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
		if mapID(valueAt(t, def, "metadata.labels")) != mapID(valueAt(t, def, "spec.selector.matchLabels")) {
			t.Error("the defaulted copy holds its equal labels and selector twice")
		}
	})
}

// stringsOf returns the data pointers of the strings (map keys aside) in v, in a walk of v
// with map keys sorted: two trees whose strings are held once give the same pointers.
func stringsOf(v any) []unsafe.Pointer {
	var out []unsafe.Pointer
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			out = append(out, unsafe.Pointer(unsafe.StringData(x)))
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
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

// TestWantSharedAsAfterwards checks that packing each Want in the load's one table as soon as
// it is compiled gives the targets what packing each in a table of its own does (equal Wants,
// in the same order), and that the one table holds each string once: an equal string of any
// two targets' Wants is one copy.
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
			if diff := cmp.Diff(wants(want), wants(got)); diff != "" {
				t.Errorf("Wants (-want +got):\n%s", diff)
			}
			if held := twice(got); len(held) > 0 {
				t.Errorf("strings held more than once: %q", held)
			}
		})
	}
}

// wants returns the keys and Wants of d's targets, in order.
func wants(d *check.Desired) []any {
	out := make([]any, 0, 2*len(d.Targets))
	for i := range d.Targets {
		out = append(out, d.Targets[i].Key, d.Targets[i].Want())
	}
	return out
}

// twice returns the strings (values and map keys) that d's targets' Wants hold in more than
// one copy, sorted.
func twice(d *check.Desired) []string {
	seen := map[string]unsafe.Pointer{}
	held := map[string]bool{}
	note := func(s string) {
		if s == "" {
			return
		}
		p, ok := seen[s]
		if !ok {
			seen[s] = unsafe.Pointer(unsafe.StringData(s))
		} else if p != unsafe.Pointer(unsafe.StringData(s)) {
			held[s] = true
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			note(x)
		case map[string]any:
			for k, e := range x {
				note(k)
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for i := range d.Targets {
		walk(d.Targets[i].Want())
	}
	return slices.Sorted(maps.Keys(held))
}

// TestWantRecentBounded checks that a Desired keeps one tree per slot: reading the target that
// shares a slot with another (1,024 targets apart) drops the other's tree, which the next read
// of it builds again, equal; and that concurrent reads agree.
func TestWantRecentBounded(t *testing.T) {
	var b strings.Builder
	for i := range 1025 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%04d}\ndata: {num: %q}\n", i, fmt.Sprint(i))
	}
	d := compileOffline(t, b.String(), nil)
	first, last := &d.Targets[0], &d.Targets[1024]
	a := first.Want()
	if mapID(a) != mapID(first.Want()) {
		t.Fatal("a target read again was thawed again")
	}
	last.Want() // the same slot
	again := first.Want()
	if mapID(again) == mapID(a) {
		t.Error("two targets of one slot both kept their trees: the recent trees are not bounded")
	}
	if diff := cmp.Diff(a, again); diff != "" {
		t.Errorf("the tree built again differs (-first +again):\n%s", diff)
	}

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(d.Targets); i += 4 {
				if got := d.Targets[i].Want()["data"].(map[string]any)["num"]; got != fmt.Sprint(i) {
					t.Errorf("target %d: data.num = %v", i, got)
				}
			}
		})
	}
	wg.Wait()
}
