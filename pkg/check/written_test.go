package check_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// crdFile is a CRD of test/drifttest's, as a normalize.CRDSource.
type crdFile string

func (f crdFile) CRD(k8sschema.GroupKind) (*apiextensionsv1.CustomResourceDefinition, error) {
	data, err := drifttestCRD(string(f))
	if err != nil {
		return nil, err
	}
	crd := &apiextensionsv1.CustomResourceDefinition{}
	return crd, yaml.Unmarshal(data, crd)
}

// builtInOrNone is the schemas of the built-in kinds; other kinds have none (nil: nothing known).
type builtInOrNone struct{ builtIn check.SchemaSource }

func (s builtInOrNone) For(gvk k8sschema.GroupVersionKind) (*diff.Schema, error) {
	if gvk.Group == "fidelity.gitops.io" {
		return nil, nil
	}
	return s.builtIn.For(gvk)
}

// drifttestCRD reads a CRD of test/drifttest.
func drifttestCRD(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(drifttest.CRDDir(), name))
}

// compileWith compiles manifests with the CRDs of crds, offline.
func compileWith(t *testing.T, manifests string, crds normalize.CRDSource) *check.Target {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(manifests)}}, manifest.Options{Namespace: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	norm, err := normalize.New(crds)
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtInOrNone{schema.NewResolver(nil)}, Normalizer: norm}.Compile(set, "rev")
	if err != nil {
		t.Fatal(err)
	}
	return &d.Targets[0]
}

func path(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWritten checks what a target keeps of Git's spelling beside the one copy it holds, the
// compared form: the quantities Git writes otherwise, and the values normalisation added,
// which Written (the body of a write) and GitValue leave out.
func TestWritten(t *testing.T) {
	deployment := compileWith(t, drifttest.Deployment, nil)
	gadget := compileWith(t, `{apiVersion: fidelity.gitops.io/v1, kind: Gadget, metadata: {name: g}, spec: {enabled: false}}`, crdFile("gadgets.yaml"))
	limits := "spec.template.spec.containers[name=web].resources.limits"
	tests := []struct {
		name    string
		tg      *check.Target
		path    string
		want    any  // in Written
		wantOK  bool // in Written
		compare any  // in Want
	}{
		{"a quantity as Git writes it", deployment, limits + ".cpu", "0.5", true, "500m"},
		{"another quantity as Git writes it", deployment, limits + ".memory", "1024Mi", true, "1Gi"},
		{"a quantity Git writes as stored", deployment, "spec.template.spec.containers[name=web].resources.requests.memory", "128Mi", true, "128Mi"},
		{"a value Git sets", deployment, "spec.replicas", int64(2), true, int64(2)},
		{"a value Git leaves out", deployment, "spec.paused", nil, false, nil},
		{"false, which Git sets", gadget, "spec.enabled", false, true, false},
		{"a CRD's default, which Git leaves out", gadget, "spec.mode", nil, false, "fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := path(t, tt.path)
			got, ok := diff.Get(tt.tg.Written(), p, tt.tg.Schema)
			if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.wantOK {
				t.Errorf("Written() at %s = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
			got, ok = tt.tg.GitValue(p)
			if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.wantOK {
				t.Errorf("GitValue(%s) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
			compared, _ := diff.Get(tt.tg.Want(), p, tt.tg.Schema)
			if diff := cmp.Diff(tt.compare, compared); diff != "" {
				t.Errorf("Want at %s (-want +got):\n%s", tt.path, diff)
			}
		})
	}
	// Written is a copy: changing it changes nothing of the target.
	body := deployment.Written()
	delete(body, "spec")
	if _, ok := deployment.Want()["spec"]; !ok {
		t.Error("changing Written() changed Want")
	}
}

// TestDriftShowsQuantityAsWritten checks that a drifted quantity shows Git's spelling.
func TestDriftShowsQuantityAsWritten(t *testing.T) {
	tg := compileWith(t, drifttest.Deployment, nil)
	live := tg.Written()
	limits := path(t, "spec.template.spec.containers[name=web].resources.limits")
	if err := diff.Set(live, append(limits, diff.Segment{Name: "cpu"}), tg.Schema, "1"); err != nil {
		t.Fatal(err)
	}
	if err := diff.Set(live, append(limits, diff.Segment{Name: "memory"}), tg.Schema, "2Gi"); err != nil {
		t.Fatal(err)
	}
	want := []diff.Field{
		{Path: limits.String() + ".cpu", Desired: "0.5", Live: "1"},
		{Path: limits.String() + ".memory", Desired: "1024Mi", Live: "2Gi"},
	}
	if diff := cmp.Diff(want, tg.Compare(live)); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
}

// TestWrittenSpelling: Written leaves out what normalisation added where Git wrote null, at the
// top level and below it, and writes a value Git spells otherwise only where it is a quantity:
// a Secret's line-wrapped base64 value is written as stored.
func TestWrittenSpelling(t *testing.T) {
	gadget := func(spec string) *check.Target {
		return compileWith(t, `{apiVersion: fidelity.gitops.io/v1, kind: Gadget, metadata: {name: g}, spec: `+spec+`}`, crdFile("gadgets.yaml"))
	}
	secret := compileWith(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: \"cGFz\\nc3dvcmQ=\"\n", nil)
	tests := []struct {
		name   string
		tg     *check.Target
		path   string
		want   any
		wantOK bool
	}{
		{name: "a default where Git wrote null", tg: gadget("{enabled: true, mode: null}"), path: "spec.mode"},
		{name: "Git's value beside it", tg: gadget("{enabled: true, mode: null}"), path: "spec.enabled", want: true, wantOK: true},
		{name: "a wrapped base64 value, as stored", tg: secret, path: "data.k", want: "cGFzc3dvcmQ=", wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := diff.Get(tt.tg.Written(), path(t, tt.path), tt.tg.Schema)
			if diff := cmp.Diff(tt.want, got); diff != "" || ok != tt.wantOK {
				t.Errorf("Written() at %s = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
