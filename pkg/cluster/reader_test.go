package cluster_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// readKinds returns the objects of testdata/kinds.yaml, their namespaced ones in ns and their
// cluster-scoped ones named after ns, so that each test run has its own.
func readKinds(t *testing.T, ns string) []*unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile("testdata/kinds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(&u.Object); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(u.GetName(), "-test") {
			u.SetName(u.GetName() + "-" + ns)
		} else {
			u.SetNamespace(ns)
		}
		out = append(out, u)
	}
}

// createKinds creates each object of testdata/kinds.yaml twice: by server-side apply, and,
// named NAME-2, as kubectl's client-side apply creates it, then labelled by hand, for a
// second managedFields entry. It returns stubs of the objects (kind, namespace, name), as
// the desired objects Fetch is given, and one more stub of an object that does not exist.
func createKinds(t *testing.T, c *cluster.Client, ns string) []*unstructured.Unstructured {
	t.Helper()
	var stubs []*unstructured.Unstructured
	for _, obj := range readKinds(t, ns) {
		ri, err := c.Resource(obj.GroupVersionKind(), obj.GetNamespace())
		if err != nil {
			t.Fatal(err)
		}
		applied, err := obj.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		force := true
		if _, err := ri.Patch(t.Context(), obj.GetName(), types.ApplyPatchType, applied, metav1.PatchOptions{FieldManager: "test-apply", Force: &force}); err != nil {
			t.Fatalf("apply %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
		second := obj.DeepCopy()
		second.SetName(obj.GetName() + "-2")
		if _, err := ri.Create(t.Context(), second, metav1.CreateOptions{FieldManager: "kubectl-client-side-apply"}); err != nil {
			t.Fatalf("create %s %s: %v", obj.GetKind(), second.GetName(), err)
		}
		label := []byte(`{"metadata":{"labels":{"hand":"edited"}}}`)
		if _, err := ri.Patch(t.Context(), second.GetName(), types.MergePatchType, label, metav1.PatchOptions{FieldManager: "kubectl-label"}); err != nil {
			t.Fatalf("label %s %s: %v", obj.GetKind(), second.GetName(), err)
		}
		for _, o := range []*unstructured.Unstructured{obj, second} {
			stubs = append(stubs, stub(o.GetAPIVersion(), o.GetKind(), o.GetNamespace(), o.GetName()))
		}
	}
	return append(stubs, stub("v1", "ConfigMap", ns, "absent"), stub("batch/v1", "Job", ns, "absent"))
}

func stub(apiVersion, kind, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

// contents returns the objects of lives, nil for an absent one, failing on an error.
func contents(t *testing.T, lives []cluster.Live) []map[string]any {
	t.Helper()
	out := make([]map[string]any, len(lives))
	for i, l := range lives {
		if l.Err != nil {
			t.Fatalf("object %d: %v", i, l.Err)
		}
		if l.Object != nil {
			out[i] = l.Object.Object
		}
	}
	return out
}

// TestReaderReadsWhatFetchReads checks that a Reader (protobuf for these built-in kinds but
// StatefulSet, from a server of the types' version) gives exactly what Client.Fetch's JSON gives, through a
// LIST (each kind twice in one Fetch) and through a GET (each object alone); and, with
// CompactManagedFields, the same objects but for the form of managedFields' field sets, whose
// owners pkg/ownership reads the same; with DropStatus, the same objects without status.
func TestReaderReadsWhatFetchReads(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	desired := createKinds(t, c, ns)
	want := contents(t, c.Fetch(t.Context(), desired))

	t.Run("lists", func(t *testing.T) {
		got := contents(t, c.NewReader(cluster.ReaderOptions{}).Fetch(t.Context(), desired))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-Fetch +Reader):\n%s", diff)
		}
	})
	t.Run("gets", func(t *testing.T) {
		r := c.NewReader(cluster.ReaderOptions{})
		for i, d := range desired {
			got := contents(t, r.Fetch(t.Context(), desired[i:i+1]))
			if diff := cmp.Diff(want[i:i+1], got); diff != "" {
				t.Errorf("%s %s (-Fetch +Reader):\n%s", d.GetKind(), d.GetName(), diff)
			}
		}
	})
	t.Run("without status", func(t *testing.T) {
		got := contents(t, c.NewReader(cluster.ReaderOptions{DropStatus: true}).Fetch(t.Context(), desired))
		withStatus := 0
		for i, d := range desired {
			if want[i] == nil {
				continue
			}
			if _, ok := want[i]["status"]; ok {
				withStatus++
			}
			w := (&unstructured.Unstructured{Object: want[i]}).DeepCopy().Object
			delete(w, "status")
			if diff := cmp.Diff(w, got[i]); diff != "" {
				t.Errorf("%s %s (-Fetch without status +Reader):\n%s", d.GetKind(), d.GetName(), diff)
			}
		}
		if withStatus == 0 {
			t.Error("Fetch read no object with a status: the case checks nothing")
		}
	})
	t.Run("compact", func(t *testing.T) {
		got := contents(t, c.NewReader(cluster.ReaderOptions{CompactManagedFields: true}).Fetch(t.Context(), desired))
		for i, d := range desired {
			if want[i] == nil {
				if got[i] != nil {
					t.Errorf("%s %s: read, but does not exist", d.GetKind(), d.GetName())
				}
				continue
			}
			// StatefulSets are read as JSON (see protobufComplete), the rest as protobuf.
			_, isText := managedFieldsOf(got[i])[0].(map[string]any)["fieldsV1"].(string)
			if wantText := d.GetKind() != "StatefulSet"; isText != wantText {
				t.Errorf("%s %s: fieldsV1 as JSON text: %v, want %v", d.GetKind(), d.GetName(), isText, wantText)
			}
			if diff := cmp.Diff(owned(t, want[i]), owned(t, got[i])); diff != "" {
				t.Errorf("%s %s: owners (-Fetch +Reader):\n%s", d.GetKind(), d.GetName(), diff)
			}
			if diff := cmp.Diff(withoutManagedFields(want[i]), withoutManagedFields(got[i])); diff != "" {
				t.Errorf("%s %s (-Fetch +Reader):\n%s", d.GetKind(), d.GetName(), diff)
			}
		}
	})
}

func managedFieldsOf(obj map[string]any) []any {
	md, _ := obj["metadata"].(map[string]any)
	list, _ := md["managedFields"].([]any)
	return list
}

func withoutManagedFields(obj map[string]any) map[string]any {
	out := (&unstructured.Unstructured{Object: obj}).DeepCopy().Object
	delete(out["metadata"].(map[string]any), "managedFields")
	return out
}

// owned lists what pkg/ownership reads in obj's managedFields, one line per owned path.
func owned(t *testing.T, obj map[string]any) []string {
	t.Helper()
	o, err := ownership.FromObject(obj)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for f := range o.Fields() {
		out = append(out, fmt.Sprintf("%s %v %v %v %s", f.Path, f.IsItem, f.Item, f.Leaf, f.Owner))
	}
	if len(out) == 0 {
		t.Fatal("no owned fields")
	}
	return out
}

// TestReaderStart checks that what Start reads is what the next Fetch of the same objects
// uses, without asking again, and only once: a second Fetch reads anew.
func TestReaderStart(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	e.KubectlT(t, "", "-n", ns, "create", "configmap", "a")
	e.KubectlT(t, "", "-n", ns, "create", "configmap", "b")
	e.KubectlT(t, "", "-n", ns, "create", "serviceaccount", "sa")
	log := &requestLog{}
	cfg := rest.CopyConfig(e.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { log.next = rt; return log }
	c, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Discover(t.Context())
	desired := []*unstructured.Unstructured{configMap(ns, "a"), configMap(ns, "b"), configMap(ns, "absent"), stub("v1", "ServiceAccount", ns, "sa")}
	reads := func() []string {
		log.mu.Lock()
		defer log.mu.Unlock()
		var out []string
		for _, r := range log.reqs {
			if strings.Contains(r, "/namespaces/"+ns+"/") {
				out = append(out, r)
			}
		}
		slices.Sort(out) // concurrent: in no fixed order
		log.reqs = nil
		return out
	}
	want := []string{
		"GET /api/v1/namespaces/" + ns + "/configmaps",
		"GET /api/v1/namespaces/" + ns + "/serviceaccounts/sa",
	}
	r := c.NewReader(cluster.ReaderOptions{CompactManagedFields: true})
	r.Start(t.Context(), desired)
	steps := []struct {
		name  string
		reads []string
	}{
		{"first fetch, after Start", want},
		{"second fetch", want},
	}
	for _, step := range steps {
		var names []string
		for _, l := range r.Fetch(t.Context(), desired) {
			if l.Err != nil {
				t.Fatal(l.Err)
			}
			name := ""
			if l.Object != nil {
				name = l.Object.GetName()
			}
			names = append(names, name)
		}
		if diff := cmp.Diff([]string{"a", "b", "", "sa"}, names); diff != "" {
			t.Errorf("%s: objects (-want +got):\n%s", step.name, diff)
		}
		if diff := cmp.Diff(step.reads, reads()); diff != "" {
			t.Errorf("%s: requests (-want +got):\n%s", step.name, diff)
		}
	}
}
