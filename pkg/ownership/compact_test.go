package ownership

import (
	"encoding/json"
	"runtime"
	"testing"
	"unique"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestCompact(t *testing.T) {
	entries := deployment()
	entries = append(entries, entries[0], entries[0])
	entries[4].Manager, entries[4].Operation = "gitops-drift", "Apply"
	entries[4].FieldsV1 = metav1.NewFieldsV1(`{"f:spec":{"f:paused":{}}}`)
	entries[5].Manager, entries[5].Subresource = "kube-controller-manager", "status"
	entries[5].FieldsV1 = metav1.NewFieldsV1(`{"f:status":{"f:replicas":{}}}`)
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web"}}}
	u.SetManagedFields(entries)
	before, err := FromObject(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	size := func() int {
		b, err := json.Marshal(u.Object)
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	full := size()

	Compact(u.Object, "gitops-drift")
	after, err := FromObject(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	var managers []string
	for _, o := range after.Managers() {
		managers = append(managers, o.Manager)
	}
	if diff := cmp.Diff([]string{"kubectl-client-side-apply", "kubectl-set", "kubectl-scale", "finalizer-bot", "gitops-drift"}, managers); diff != "" {
		t.Errorf("managers after Compact (-want +got): the status entry goes\n%s", diff)
	}
	for _, p := range []string{"spec.template.spec.containers[name=web].image", "spec.replicas", "metadata.finalizers", "spec.selector.matchLabels.app"} {
		want, wrel := before.Of(mustPath(t, p))
		got, grel := after.Of(mustPath(t, p))
		if diff := cmp.Diff(want, got); diff != "" || wrel != grel {
			t.Errorf("Of(%s) after Compact (-want +got):\n%s%s %s", p, diff, wrel, grel)
		}
	}
	self := after.Managers()[4]
	if self.Time.IsZero() || self.Operation != OperationApply {
		t.Errorf("gitops-drift's entry after Compact = %+v, want its time and operation kept", self)
	}
	for f := range after.Fields() {
		if f.Owner.Manager == "gitops-drift" {
			t.Errorf("gitops-drift's fields kept: %s", f.Path)
		}
	}
	if small := size(); small >= full {
		t.Errorf("Compact made the object %d bytes from %d", small, full)
	}
	u.DeepCopy() // still JSON-compatible

	Compact(u.Object, "gitops-drift") // again: nothing changes
	again, err := FromObject(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(after.Managers(), again.Managers()); diff != "" {
		t.Errorf("Compact twice (-want +got):\n%s", diff)
	}
}

func TestCompactDropsEmptyList(t *testing.T) {
	obj := map[string]any{"metadata": map[string]any{"managedFields": []any{map[string]any{"manager": "kcm", "subresource": "status"}}}}
	Compact(obj, "gitops-drift")
	if _, ok := obj["metadata"].(map[string]any)["managedFields"]; ok {
		t.Errorf("managedFields kept with only a status entry: %v", obj)
	}
}

// TestCompacted checks that Compacted gives the entries Compact leaves when no entry is
// gitops-drift's (every entry keeps its fields, the status entry goes), owning the same fields,
// without changing the object.
func TestCompacted(t *testing.T) {
	// The status entry first: the entries after it stay.
	status := deployment()[0]
	status.Manager, status.Subresource = "kube-controller-manager", "status"
	status.FieldsV1 = metav1.NewFieldsV1(`{"f:status":{"f:replicas":{}}}`)
	entries := append([]metav1.ManagedFieldsEntry{status}, deployment()...)
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web"}}}
	u.SetManagedFields(entries)
	before := u.DeepCopy()
	got := Compacted(u.Object)
	if diff := cmp.Diff(before.Object, u.Object); diff != "" {
		t.Errorf("Compacted changed the object (-before +after):\n%s", diff)
	}
	want := u.DeepCopy()
	Compact(want.Object, "")
	if diff := cmp.Diff(want.Object["metadata"].(map[string]any)["managedFields"], got); diff != "" {
		t.Errorf("Compacted (-Compact +Compacted):\n%s", diff)
	}
	all, err := FromObject(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	compacted, err := FromObject(map[string]any{"metadata": map[string]any{"managedFields": got}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"spec.template.spec.containers[name=web].image", "spec.replicas", "metadata.finalizers", "spec.selector.matchLabels.app"} {
		w, wrel := all.Of(mustPath(t, p))
		g, grel := compacted.Of(mustPath(t, p))
		if diff := cmp.Diff(w, g); diff != "" || wrel != grel {
			t.Errorf("Of(%s) (-object +compacted):\n%s%s %s", p, diff, wrel, grel)
		}
	}
	if Compacted(map[string]any{}) != nil {
		t.Error("Compacted of an object without managedFields is not nil")
	}
}

// TestCompactEntries: every entry but the status ones stays, whatever its place in the list,
// and the fields of the others than self become one JSON string.
func TestCompactEntries(t *testing.T) {
	entry := func(manager, subresource string) map[string]any {
		return map[string]any{"manager": manager, "operation": "Update", "subresource": subresource,
			"apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:spec": map[string]any{"f:replicas": map[string]any{}}}}
	}
	tests := []struct {
		name    string
		entries []any
		want    []any
	}{
		{
			name:    "a status entry first",
			entries: []any{entry("kcm", "status"), entry("kubectl-edit", ""), entry("gitops-drift", "")},
			want: []any{
				map[string]any{"manager": "kubectl-edit", "operation": "Update", "subresource": "", "fieldsV1": `{"f:spec":{"f:replicas":{}}}`},
				map[string]any{"manager": "gitops-drift", "operation": "Update", "subresource": ""},
			},
		},
		{
			name:    "a status entry between two others",
			entries: []any{entry("kubectl-scale", "scale"), entry("kcm", "status"), entry("kubectl-edit", "")},
			want: []any{
				map[string]any{"manager": "kubectl-scale", "operation": "Update", "subresource": "scale", "fieldsV1": `{"f:spec":{"f:replicas":{}}}`},
				map[string]any{"manager": "kubectl-edit", "operation": "Update", "subresource": "", "fieldsV1": `{"f:spec":{"f:replicas":{}}}`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := map[string]any{"metadata": map[string]any{"managedFields": tt.entries}}
			Compact(obj, "gitops-drift")
			if diff := cmp.Diff(tt.want, obj["metadata"].(map[string]any)["managedFields"]); diff != "" {
				t.Errorf("managedFields after Compact (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompactShares checks that the strings of compacted entries are shared between objects
// whose entries are equal (the fields' JSON, the manager, the time), so that a cache of
// objects made alike holds one copy of each, and that distinct fields keep their own.
func TestCompactShares(t *testing.T) {
	object := func(key string) map[string]any {
		return map[string]any{"metadata": map[string]any{"managedFields": []any{map[string]any{
			"manager": "kubectl-client-side-apply", "operation": "Update", "time": "2026-11-24T10:00:00Z",
			"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": map[string]any{"f:data": map[string]any{key: map[string]any{}}}}}}}
	}
	compactors := []struct {
		name    string
		compact func(obj map[string]any) map[string]any
	}{
		{"Compact", func(obj map[string]any) map[string]any {
			Compact(obj, "gitops-drift")
			return obj["metadata"].(map[string]any)["managedFields"].([]any)[0].(map[string]any)
		}},
		{"Compacted", func(obj map[string]any) map[string]any { return Compacted(obj)[0].(map[string]any) }},
	}
	// The shared copies are unique.Make's, which a collection drops when no Handle holds them
	// (the objects hold copies of their values, not Handles): hold them meanwhile.
	var held []unique.Handle[any]
	for _, s := range []string{`{"f:data":{"f:a":{}}}`, "kubectl-client-side-apply", "Update", "2026-11-24T10:00:00Z"} {
		held = append(held, unique.Make[any](s))
	}
	defer runtime.KeepAlive(held)
	for _, c := range compactors {
		t.Run(c.name, func(t *testing.T) {
			a, b, other := c.compact(object("f:a")), c.compact(object("f:a")), c.compact(object("f:b"))
			for _, k := range []string{"fieldsV1", "manager", "operation", "time"} {
				x, y := a[k].(string), b[k].(string)
				if x != y || unsafe.StringData(x) != unsafe.StringData(y) {
					t.Errorf("%s: %q and %q are not one shared copy", k, x, y)
				}
			}
			if x, y := a["fieldsV1"].(string), other["fieldsV1"].(string); x == y {
				t.Errorf("fieldsV1 of different fields: both %q", x)
			}
		})
	}
}
