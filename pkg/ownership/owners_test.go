package ownership

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// deployment is the managedFields of a Deployment applied with kubectl (client-side), its
// image set with kubectl set image, scaled through /scale and given a finalizer by a
// controller.
func deployment() []metav1.ManagedFieldsEntry {
	at := func(s string) *metav1.Time {
		t, _ := time.Parse(time.RFC3339, s)
		return &metav1.Time{Time: t}
	}
	entry := func(manager, op, sub, ts, fields string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationType(op), Subresource: sub,
			Time: at(ts), FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
	}
	return []metav1.ManagedFieldsEntry{
		entry("kubectl-client-side-apply", "Update", "", "2026-11-24T10:00:00Z", `{
			"f:metadata":{"f:labels":{".":{},"f:app":{}}},
			"f:spec":{"f:selector":{},"f:template":{"f:spec":{"f:containers":{
				"k:{\"name\":\"web\"}":{".":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}}},
				"k:{\"name\":\"log\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`),
		entry("kubectl-set", "Update", "", "2026-11-24T10:02:11Z", `{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}}`),
		entry("kubectl-scale", "Update", "scale", "2026-11-24T10:03:00Z", `{"f:spec":{"f:replicas":{}}}`),
		entry("finalizer-bot", "Update", "", "2026-11-24T10:04:00Z", `{"f:metadata":{"f:finalizers":{".":{},"v:\"example.com/cleanup\"":{}}}}`),
	}
}

func TestOf(t *testing.T) {
	o, err := Parse(deployment())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		managers []string
		rel      Relation
	}{
		{"spec.template.spec.containers[name=web].image", []string{"kubectl-set"}, Exact},
		{"spec.replicas", []string{"kubectl-scale"}, Exact},
		{"metadata.labels.app", []string{"kubectl-client-side-apply"}, Exact},
		{"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].protocol", []string{"kubectl-client-side-apply"}, Exact},
		{"spec.template.spec.containers[name=web].ports[protocol=TCP,containerPort=8080]", []string{"kubectl-client-side-apply"}, Exact},
		{"spec.template.spec.containers[name=web]", []string{"kubectl-client-side-apply"}, Exact},
		{"spec.template.spec.containers", []string{"kubectl-client-side-apply", "kubectl-set"}, Descendant},
		{"metadata.finalizers", []string{"finalizer-bot"}, Exact},
		{"spec.template", []string{"kubectl-client-side-apply", "kubectl-set"}, Descendant},
		{"spec.selector.matchLabels.app", []string{"kubectl-client-side-apply"}, Ancestor},
		{"metadata.labels.other", []string{"kubectl-client-side-apply"}, Ancestor},
		{"spec.paused", nil, None},
		{"spec.template.spec.containers[name=sidecar].image", nil, None},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p, err := diff.ParsePath(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			owners, rel := o.Of(p)
			var got []string
			for _, ow := range owners {
				got = append(got, ow.Manager)
			}
			if diff := cmp.Diff(tt.managers, got); diff != "" || rel != tt.rel {
				t.Errorf("Of() = %v, %s; want %v, %s", got, rel, tt.managers, tt.rel)
			}
		})
	}
}

func TestOwnerDetails(t *testing.T) {
	o, err := Parse(deployment())
	if err != nil {
		t.Fatal(err)
	}
	owners, _ := o.Of(mustPath(t, "spec.replicas"))
	want := Owner{Manager: "kubectl-scale", Operation: OperationUpdate, Time: time.Date(2026, 11, 24, 10, 3, 0, 0, time.UTC), Subresource: "scale"}
	if diff := cmp.Diff([]Owner{want}, owners); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got, want := owners[0].String(), "kubectl-scale (Update /scale, 2026-11-24T10:03:00Z)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestLeaves(t *testing.T) {
	o, err := Parse(deployment())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for f := range o.Leaves("kubectl-client-side-apply") {
		got = append(got, f.Path.String())
	}
	want := []string{
		"metadata.labels.app",
		"spec.selector",
		"spec.template.spec.containers[name=log].image",
		"spec.template.spec.containers[name=log].name",
		"spec.template.spec.containers[name=web].name",
		"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].containerPort",
		"spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP].protocol",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Leaves (-want +got):\n%s", diff)
	}
	var items []any
	for f := range o.Leaves("finalizer-bot") {
		if f.IsItem {
			items = append(items, f.Item)
		}
	}
	if diff := cmp.Diff([]any{"example.com/cleanup"}, items); diff != "" {
		t.Errorf("set items (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	_, err := Parse([]metav1.ManagedFieldsEntry{{Manager: "m", FieldsV1: metav1.NewFieldsV1(`{"f:a":`)}})
	if err == nil {
		t.Error("Parse of broken FieldsV1: no error")
	}
	o, err := Parse([]metav1.ManagedFieldsEntry{{Manager: "gitops-drift", Operation: "Apply"}})
	if err != nil {
		t.Fatal(err)
	}
	if owners, rel := o.Of(mustPath(t, "spec")); owners != nil || rel != None {
		t.Errorf("an entry without fields owns %v (%s)", owners, rel)
	}
	var none *Owners
	if owners, rel := none.Of(mustPath(t, "spec")); owners != nil || rel != None {
		t.Errorf("nil Owners own %v (%s)", owners, rel)
	}
}

func mustPath(t *testing.T, s string) diff.Path {
	t.Helper()
	p, err := diff.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFromObjectOf: only the entries of the managers kept are read; the others own nothing.
func TestFromObjectOf(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetManagedFields(deployment())
	o, err := FromObjectOf(u.Object, func(m string) bool { return m == "kubectl-set" })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range o.Managers() {
		got = append(got, m.Manager)
	}
	if diff := cmp.Diff([]string{"kubectl-set"}, got); diff != "" {
		t.Errorf("managers (-want +got):\n%s", diff)
	}
	p, _ := diff.ParsePath("metadata.labels.app")
	if who, rel := o.Of(p); rel != None {
		t.Errorf("Of(%s) = %v %v, want nobody: the applier's entry was not read", p, who, rel)
	}
}

// TestLeavesOf: LeavesOf gives the leaf fields FromObjectOf gives, in the same order, of
// entries readSorted reads and of entries it leaves to fieldpath (keys out of order).
func TestLeavesOf(t *testing.T) {
	unsorted := metav1.ManagedFieldsEntry{Manager: "kubectl-edit", Operation: "Update", FieldsType: "FieldsV1",
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:template":{"f:metadata":{"f:labels":{"f:b":{},"f:a":{}}}},"f:replicas":{}}}`)}
	tests := []struct {
		name    string
		entries []metav1.ManagedFieldsEntry
		keep    func(string) bool
	}{
		{"every entry", deployment(), nil},
		{"the entries kept", deployment(), func(m string) bool { return m == "kubectl-set" || m == "finalizer-bot" }},
		{"an entry left to fieldpath", append(deployment(), unsorted), nil},
		{"a leaf after an owned parent", []metav1.ManagedFieldsEntry{{Manager: "kubectl-label", Operation: "Update", FieldsType: "FieldsV1",
			FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{".":{},"f:app":{}},"f:name":{}}}`)}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &unstructured.Unstructured{Object: map[string]any{}}
			u.SetManagedFields(tt.entries)
			all, err := FromObjectOf(u.Object, tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			var want []Field
			for f := range all.Fields() {
				if f.Leaf {
					want = append(want, f)
				}
			}
			leaves, err := LeavesOf(u.Object, tt.keep)
			if err != nil {
				t.Fatal(err)
			}
			var got []Field
			for f := range leaves.Fields() {
				got = append(got, f)
			}
			if len(want) == 0 {
				t.Fatal("no leaves to compare")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("leaves (-FromObjectOf +LeavesOf):\n%s", diff)
			}
		})
	}
}

// TestOfShapes asks Of about entries that the Deployment of TestOf does not have: a manager
// that owns only an item of a set list (a second finalizer, or the only one read by
// FromObjectOf), a list indexed by position, and owners of two values above the path.
func TestOfShapes(t *testing.T) {
	entry := func(manager, fields string) metav1.ManagedFieldsEntry {
		return metav1.ManagedFieldsEntry{Manager: manager, Operation: "Update", FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(fields)}
	}
	itemOnly := []metav1.ManagedFieldsEntry{entry("kubectl-patch", `{"f:metadata":{"f:finalizers":{"v:\"example.com/b\"":{}}}}`)}
	indexed := []metav1.ManagedFieldsEntry{
		entry("writer", `{"f:spec":{"f:rules":{"i:0":{"f:host":{}},"i:2":{"f:host":{}}}}}`),
		entry("other", `{"f:spec":{"f:rules":{"i:1":{"f:host":{}}}}}`),
	}
	// The nearer owner above comes first in managedFields, the farther one after it.
	nested := []metav1.ManagedFieldsEntry{
		entry("near", `{"f:spec":{"f:selector":{}}}`),
		entry("far", `{"f:spec":{".":{}}}`),
	}
	tests := []struct {
		name     string
		entries  []metav1.ManagedFieldsEntry
		path     string
		managers []string
		rel      Relation
	}{
		{"the owner of an item owns values under the list", itemOnly, "metadata.finalizers", []string{"kubectl-patch"}, Descendant},
		{"an item owns nothing below the list", itemOnly, "metadata.finalizers[0]", nil, None},
		{"an index", indexed, "spec.rules[2].host", []string{"writer"}, Exact},
		{"another index", indexed, "spec.rules[1].host", []string{"other"}, Exact},
		{"an index nobody owns", indexed, "spec.rules[3].host", nil, None},
		{"the nearest owner above, not the farther one", nested, "spec.selector.matchLabels.app", []string{"near"}, Ancestor},
		{"the farther owner when it is the nearest", nested, "spec.paused", []string{"far"}, Ancestor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Parse(tt.entries)
			if err != nil {
				t.Fatal(err)
			}
			owners, rel := o.Of(mustPath(t, tt.path))
			var got []string
			for _, ow := range owners {
				got = append(got, ow.Manager)
			}
			if diff := cmp.Diff(tt.managers, got); diff != "" || rel != tt.rel {
				t.Errorf("Of(%s) = %v, %s; want %v, %s", tt.path, got, rel, tt.managers, tt.rel)
			}
		})
	}
}
