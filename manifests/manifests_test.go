package manifests_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// installNamespace is where every namespaced object of the install lives.
const installNamespace = "drift-system"

// install is every object of the YAML files in manifests/, decoded into its Go type.
type install struct {
	objects []object
}

// object is one document of one file.
type object struct {
	file string
	gvk  schema.GroupVersionKind
	obj  client.Object
}

// key names an object as `kubectl kustomize` output would.
func (o object) key() string {
	return fmt.Sprintf("%s %s/%s", o.gvk.GroupKind(), o.obj.GetNamespace(), o.obj.GetName())
}

// newDecoder returns a strict YAML decoder for client-go's kinds and cert-manager's: unknown and
// duplicate fields are errors.
func newDecoder(t *testing.T) runtime.Decoder {
	t.Helper()
	s := runtime.NewScheme()
	if err := errors.Join(clientgoscheme.AddToScheme(s), cmv1.AddToScheme(s)); err != nil {
		t.Fatal(err)
	}
	return json.NewSerializerWithOptions(json.DefaultMetaFactory, s, s, json.SerializerOptions{Yaml: true, Strict: true})
}

// installFiles returns the YAML files of the install: every one but kustomization.yaml.
func installFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(files, func(f string) bool { return f == "kustomization.yaml" })
}

// loadInstall decodes every document of the install's files, failing the test on any error.
func loadInstall(t *testing.T) *install {
	t.Helper()
	dec := newDecoder(t)
	in := &install{}
	var errs []error
	for _, file := range installFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		objs, err := decodeAll(dec, file, data)
		in.objects = append(in.objects, objs...)
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return in
}

// decodeAll decodes the documents of a multi-document YAML file; empty ones are skipped.
func decodeAll(dec runtime.Decoder, file string, data []byte) ([]object, error) {
	var objs []object
	var errs []error
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for i := 1; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs, errors.Join(errs...)
		}
		if err != nil {
			return objs, fmt.Errorf("%s: %w", file, err)
		}
		if j, err := yaml.YAMLToJSON(doc); err == nil && string(j) == "null" {
			continue // only comments
		}
		obj, gvk, err := dec.Decode(doc, nil, nil)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s, document %d: %w", file, i, err))
			continue
		}
		co, ok := obj.(client.Object)
		if !ok {
			errs = append(errs, fmt.Errorf("%s, document %d: %s has no metadata", file, i, gvk))
			continue
		}
		objs = append(objs, object{file: file, gvk: *gvk, obj: co})
	}
}

// all returns the install's objects of type T.
func all[T client.Object](in *install) []T {
	var out []T
	for _, o := range in.objects {
		if v, ok := o.obj.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// only returns the install's one object of type T, failing the test if there is not exactly one.
func only[T client.Object](t *testing.T, in *install) T {
	t.Helper()
	objs := all[T](in)
	if len(objs) != 1 {
		var zero T
		t.Fatalf("install has %d objects of type %T; want 1", len(objs), zero)
	}
	return objs[0]
}

// named returns the install's object of type T named name, failing the test if there is none.
func named[T client.Object](t *testing.T, in *install, name string) T {
	t.Helper()
	for _, o := range all[T](in) {
		if o.GetName() == name {
			return o
		}
	}
	var zero T
	t.Fatalf("install has no object of type %T named %s", zero, name)
	return zero
}

func TestDecodeIsStrict(t *testing.T) {
	dec := newDecoder(t)
	tests := map[string]string{
		"unknown field":   "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selectr: {a: b}}\n",
		"duplicate field": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ClusterIP, type: NodePort}\n",
		"cert-manager":    "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\nspec: {secretName: s, dnsName: [a]}\n",
		"unknown kind":    "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeAll(dec, "test.yaml", []byte(doc)); err == nil {
				t.Errorf("decoding %q succeeded; want an error", doc)
			}
		})
	}
}

func TestNamespaces(t *testing.T) {
	in := loadInstall(t)
	for _, o := range in.objects {
		namespaced, _ := manifest.BuiltinScope{}.Namespaced(o.gvk) // never fails
		switch ns := o.obj.GetNamespace(); {
		case namespaced && ns != installNamespace:
			t.Errorf("%s (%s) is in namespace %q; want %q", o.key(), o.file, ns, installNamespace)
		case !namespaced && ns != "":
			t.Errorf("%s (%s) is cluster-scoped but sets namespace %q", o.key(), o.file, ns)
		}
	}
	if ns := only[*corev1.Namespace](t, in); ns.Name != installNamespace {
		t.Errorf("Namespace %q; want %q", ns.Name, installNamespace)
	}
}

// kustomization is the part of kustomization.yaml the tests read.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name    string `json:"name"`
		NewTag  string `json:"newTag"`
		NewName string `json:"newName,omitempty"`
		Digest  string `json:"digest,omitempty"`
	} `json:"images"`
}

func TestKustomizationListsEveryFile(t *testing.T) {
	data, err := os.ReadFile("kustomization.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var k kustomization
	if err := yaml.UnmarshalStrict(data, &k); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	want := installFiles(t)
	got := slices.Sorted(slices.Values(k.Resources))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kustomization.yaml resources differ from the YAML files in manifests/ (-want +got):\n%s", diff)
	}
	d := only[*appsv1.Deployment](t, loadInstall(t))
	image, _, _ := strings.Cut(gitopsDriftContainer(t, d).Image, ":")
	for _, i := range k.Images {
		if i.Name != image {
			t.Errorf("kustomization.yaml images: %q is not the Deployment's image %q", i.Name, image)
		}
	}
}

// TestKustomizeBuild runs `kubectl kustomize` (the kubectl built by `make kube-bins`) and checks
// that it outputs exactly the install's objects.
func TestKustomizeBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs kubectl; skipped under -short")
	}
	kubectl := filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl")
	if _, err := os.Stat(kubectl); os.Getenv("KUBEBUILDER_ASSETS") == "" || err != nil {
		t.Skip("no kubectl in $KUBEBUILDER_ASSETS (run `make kube-bins`)")
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), kubectl, "kustomize", ".")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, stderr.String())
	}
	var got []string
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var u unstructured.Unstructured
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s/%s", u.GroupVersionKind().GroupKind(), u.GetNamespace(), u.GetName()))
	}
	var want []string
	for _, o := range loadInstall(t).objects {
		want = append(want, o.key())
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kubectl kustomize output differs from the files' objects (-want +got):\n%s", diff)
	}
}
