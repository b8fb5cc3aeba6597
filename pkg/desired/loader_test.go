package desired

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// newLoader returns a Loader of the test server with opts (Client and Schemas filled in), and
// the states its OnLoad saw.
func newLoader(t *testing.T, e *kubeenv.Env, opts LoaderOptions) (*Loader, *[]*check.Desired) {
	t.Helper()
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	var seen []*check.Desired
	opts.Client, opts.Schemas = c, schema.NewResolverForDiscovery(c.Discovery)
	opts.OnLoad = func(_ context.Context, d *check.Desired) { seen = append(seen, d) }
	return NewLoader(opts), &seen
}

// writeDir writes files (name -> content) to a new directory.
func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoaderLoad(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	ignore, err := diff.ParsePaths("data.mode")
	if err != nil {
		t.Fatal(err)
	}
	settings := manifest.Key{Kind: "ConfigMap", Namespace: ns, Name: "settings"}
	configMap := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: git}\n"
	role := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: " + ns + "\nrules: []\n"
	tests := []struct {
		name    string
		files   map[string]string
		origin  string
		wantErr string // prefix of the error, "" for none; DIR stands for the directory
		// wantWarnings are the manifest warning lines logged: file (under DIR), line, warning.
		wantWarnings []map[string]any
	}{
		{name: "defaults the namespace, keeps the revision and the ignore paths", files: map[string]string{"cm.yaml": configMap}},
		{name: "logs warnings with file and line", files: map[string]string{"cm.yaml": configMap, "role.yaml": role}, wantWarnings: []map[string]any{
			{"file": "role.yaml", "line": float64(1), "warning": fmt.Sprintf("ClusterRole reader is cluster-scoped: metadata.namespace %q ignored, as the API server does", ns)},
		}},
		{name: "an error names the origin", files: map[string]string{"cm.yaml": "kind: [\n"}, origin: "https://git.example/deploy@main", wantErr: "load manifests from https://git.example/deploy@main:\nDIR/cm.yaml:1"},
		{name: "the origin defaults to the directory", files: map[string]string{"cm.yaml": "kind: [\n"}, wantErr: "load manifests from DIR:\nDIR/cm.yaml:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, tt.files)
			l, seen := newLoader(t, e, LoaderOptions{Origin: tt.origin, Namespace: ns, Ignore: ignore})
			var logs capture.JSONLog
			ctx := logr.NewContext(t.Context(), logs.Logger(t))
			d, err := l.Load(ctx, source.Snapshot{Root: dir}, "rev1")
			if tt.wantErr != "" {
				want := strings.ReplaceAll(tt.wantErr, "DIR", dir)
				if err == nil || !strings.HasPrefix(err.Error(), want) || d != nil || len(*seen) != 0 {
					t.Fatalf("Load = %v, %v, OnLoad saw %d; want nil, an error starting %q, OnLoad not called", d, err, len(*seen), want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(*seen) != 1 || (*seen)[0] != d {
				t.Errorf("OnLoad saw %d states; want the one Load returned, once", len(*seen))
			}
			tg, ok := d.Lookup(settings)
			if d.Revision != "rev1" || !ok {
				t.Fatalf("revision %q, ConfigMap in %s: %v; want rev1 and found", d.Revision, ns, ok)
			}
			if diff := cmp.Diff(ignore, tg.Ignore); diff != "" {
				t.Errorf("ignore paths (-want +got):\n%s", diff)
			}
			var got []map[string]any
			for _, line := range logs.Find(msgManifestWarning, nil) {
				rel, _ := filepath.Rel(dir, line[logFile].(string))
				got = append(got, map[string]any{"file": rel, "line": line[logLine], "warning": line[logWarning]})
			}
			if diff := cmp.Diff(tt.wantWarnings, got); diff != "" {
				t.Errorf("manifest warning lines (-want +got):\n%s", diff)
			}
		})
	}
}

// gadgetCRD is a namespaced CRD of kind Gadget in group whose spec.parts is a list of
// {name, count}: atomic, or a list-map keyed by name when keyed is true.
func gadgetCRD(group string, keyed bool) string {
	listType := "x-kubernetes-list-type: atomic"
	if keyed {
		listType = "x-kubernetes-list-type: map\n                  x-kubernetes-list-map-keys: [name]"
	}
	return fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.%[1]s}
spec:
  group: %[1]s
  names: {kind: Gadget, listKind: GadgetList, plural: gadgets, singular: gadget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                parts:
                  type: array
                  %[2]s
                  items:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      count: {type: integer}
`, group, listType)
}

// TestLoaderFollowsCRDs checks that every load forgets the kinds and schemas the client and
// the resolver learned: a custom resource whose CRD is missing fails to load, the same Loader
// loads it once the CRD is installed, and compares its list by the keys of the CRD's new
// schema once the CRD changes.
func TestLoaderFollowsCRDs(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	group := ns + ".loader.example"
	crd := "gadgets." + group
	dir := writeDir(t, map[string]string{"gadget.yaml": fmt.Sprintf("apiVersion: %s/v1\nkind: Gadget\nmetadata: {name: g}\nspec:\n  parts: [{name: a, count: 1}]\n", group)})
	key := manifest.Key{Group: group, Kind: "Gadget", Namespace: ns, Name: "g"}
	l, _ := newLoader(t, e, LoaderOptions{Namespace: ns})
	if _, err := l.Load(t.Context(), source.Snapshot{Root: dir}, "rev1"); err == nil || !strings.Contains(err.Error(), "Gadget") {
		t.Fatalf("Load before the CRD = %v; want an error naming Gadget", err)
	}
	t.Cleanup(func() { _, _, _ = e.Run(context.Background(), "", "delete", "crd", crd) })
	// applyCRD applies the CRD with spec.parts of list type want, and loads until a load
	// compiles the Gadget with it.
	applyCRD := func(want diff.ListType) {
		t.Helper()
		e.KubectlT(t, gadgetCRD(group, want == diff.ListMap), "apply", "-f", "-")
		e.KubectlT(t, "", "wait", "--for", "condition=Established", "--timeout", "30s", "crd/"+crd)
		// The server publishes a CRD's OpenAPI a moment after it is established.
		deadline := time.Now().Add(30 * time.Second)
		for {
			d, err := l.Load(t.Context(), source.Snapshot{Root: dir}, "rev2")
			var got diff.ListType
			if err == nil {
				tg, ok := d.Lookup(key)
				if !ok {
					t.Fatal("the Gadget is not in the loaded state")
				}
				got = tg.Schema.Field("spec").Field("parts").ListType
				if got == want {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("Load after the CRD was applied: err %v, list type %q; want list type %q", err, got, want)
			}
			time.Sleep(100 * time.Millisecond) // polling the server, not synchronising on time
		}
	}
	applyCRD(diff.ListAtomic)
	applyCRD(diff.ListMap)
}

// TestLoaderRead checks what Read sees of a load: how many objects it read, and the
// identities of those the check compares (not a skipped one), before the state is returned;
// and that a load whose files have a problem neither calls Read nor gives a state.
func TestLoaderRead(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	files := map[string]string{
		"a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
		"b.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: skipped, annotations: {drift.gitops.io/skip: \"true\"}}\n",
		"c.yaml": "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader-" + ns + ", labels: {a: b}}\nrules: []\n",
	}
	tests := []struct {
		name  string
		files map[string]string
		want  *Manifests // nil: Read not called, and the load fails
	}{
		{name: "identities of the compared objects", files: files, want: &Manifests{Len: 3, Compared: []*unstructured.Unstructured{
			{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "settings", "namespace": ns}}},
			{Object: map[string]any{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "reader-" + ns}}},
		}}},
		{name: "not called for files with a problem", files: map[string]string{"a.yaml": files["a.yaml"], "z.yaml": "kind: [\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Manifests
			var each []*unstructured.Unstructured
			l, seen := newLoader(t, e, LoaderOptions{Namespace: ns, Read: func(_ context.Context, m Manifests) {
				got = &m
			}, ReadEach: func(_ context.Context, id *unstructured.Unstructured) {
				if got != nil {
					t.Errorf("ReadEach saw %s after Read", id.GetName())
				}
				each = append(each, id)
			}})
			d, err := l.Load(t.Context(), source.Snapshot{Root: writeDir(t, tt.files)}, "rev1")
			if tt.want == nil {
				if err == nil || d != nil || got != nil {
					t.Errorf("Load = %v, %v, Read saw %v; want an error, and Read not called", d, err, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("what Read saw (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want.Compared, each); diff != "" {
				t.Errorf("what ReadEach saw, one by one (-Read's +ReadEach's):\n%s", diff)
			}
			if len(*seen) != 1 || len(d.Targets) != 3 {
				t.Errorf("OnLoad saw %d states, of %d targets; want one, of 3", len(*seen), len(d.Targets))
			}
		})
	}
}
