package webhook

import (
	"encoding/json"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// testRevision is the revision the test desired state claims.
const testRevision = "abc123def456"

// testDesired compiles the manifests of testdata/desired.
func testDesired(t testing.TB) *check.Desired {
	t.Helper()
	return compileDir(t, "testdata/desired")
}

func compileDir(t testing.TB, dir string) *check.Desired {
	t.Helper()
	set, err := manifest.Load(dir, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, testRevision, builtin.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mutator changes an object built from the Git copy.
type mutator func(t testing.TB, obj map[string]any, s *diff.Schema)

// setField sets the field at path to v.
func setField(path string, v any) mutator {
	return func(t testing.TB, obj map[string]any, s *diff.Schema) {
		t.Helper()
		p, err := diff.ParsePath(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := diff.Set(obj, p, s, v); err != nil {
			t.Fatal(err)
		}
	}
}

// gitObject returns a copy of the Git object of the given kind, namespace and name, with
// mutations applied, as the API server would send it.
func gitObject(t testing.TB, d *check.Desired, group, kind, ns, name string, mutate ...mutator) map[string]any {
	t.Helper()
	tg, ok := d.Lookup(manifest.Key{Group: group, Kind: kind, Namespace: ns, Name: name})
	if !ok {
		t.Fatalf("no %s %s/%s in the test desired state", kind, ns, name)
	}
	obj := tg.Written()
	if obj == nil { // a skipped target keeps nothing of its object but who it is
		obj = tg.Identity().Object
	}
	for _, m := range mutate {
		m(t, obj, tg.Schema)
	}
	return obj
}

// reqOption changes an admission request.
type reqOption func(*admissionv1.AdmissionRequest)

func asUser(name string, groups ...string) reqOption {
	return func(r *admissionv1.AdmissionRequest) {
		r.UserInfo = authnv1.UserInfo{Username: name, Groups: groups}
	}
}

func dryRun(r *admissionv1.AdmissionRequest) { r.DryRun = new(true) }

func subresource(s string) reqOption {
	return func(r *admissionv1.AdmissionRequest) { r.SubResource = s }
}

// newRequest builds the admission request of op on obj (new) and old, as the API server sends
// it: kind, resource, namespace and name from whichever object is given.
func newRequest(t testing.TB, op admissionv1.Operation, obj, old map[string]any, opts ...reqOption) admission.Request {
	t.Helper()
	ref := obj
	if ref == nil {
		ref = old
	}
	gv, err := schema.ParseGroupVersion(ref["apiVersion"].(string))
	if err != nil {
		t.Fatal(err)
	}
	kind := ref["kind"].(string)
	md := ref["metadata"].(map[string]any)
	name, _ := md["name"].(string)
	ns, _ := md["namespace"].(string)
	if kind == "Namespace" && op != admissionv1.Create {
		ns = name // as the API server does
	}
	r := admissionv1.AdmissionRequest{
		UID:       "uid-1",
		Kind:      metav1.GroupVersionKind{Group: gv.Group, Version: gv.Version, Kind: kind},
		Resource:  metav1.GroupVersionResource{Group: gv.Group, Version: gv.Version, Resource: strings.ToLower(kind) + "s"},
		Namespace: ns,
		Name:      name,
		Operation: op,
		UserInfo:  authnv1.UserInfo{Username: "alice", Groups: []string{"developers", "system:authenticated"}},
		Object:    raw(t, obj),
		OldObject: raw(t, old),
		DryRun:    new(false),
	}
	for _, o := range opts {
		o(&r)
	}
	return admission.Request{AdmissionRequest: r}
}

func raw(t testing.TB, obj map[string]any) runtime.RawExtension {
	t.Helper()
	if obj == nil {
		return runtime.RawExtension{}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return runtime.RawExtension{Raw: b}
}
