package auditor

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"
)

// managedFieldsMaker gives benchmark objects the managedFields a real server would: the
// applier's entry (kubectl-client-side-apply, every field Git sets) and the controller's
// status entry, as FieldsV1 computed from the objects with client-go's schema.
type managedFieldsMaker struct {
	tc managedfields.TypeConverter
	at metav1.Time
}

func newManagedFieldsMaker() *managedFieldsMaker {
	return &managedFieldsMaker{
		tc: applyconfigurations.NewTypeConverter(scheme.Scheme),
		at: metav1.NewTime(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)),
	}
}

// set gives obj its managedFields; what the schema cannot type gets none. It runs on the
// informers' goroutines.
func (m *managedFieldsMaker) set(obj *unstructured.Unstructured) {
	status, hasStatus := obj.Object["status"]
	delete(obj.Object, "status")
	spec := m.fields(obj)
	var entries []metav1.ManagedFieldsEntry
	if spec != nil {
		entries = append(entries, m.entry("kubectl-client-side-apply", "", spec))
	}
	if hasStatus {
		st := &unstructured.Unstructured{Object: map[string]any{"apiVersion": obj.GetAPIVersion(), "kind": obj.GetKind(), "status": status}}
		if f := m.fields(st); f != nil {
			entries = append(entries, m.entry("kube-controller-manager", "status", f))
		}
		obj.Object["status"] = status
	}
	obj.SetManagedFields(entries)
}

func (m *managedFieldsMaker) fields(obj *unstructured.Unstructured) []byte {
	tv, err := m.tc.ObjectToTyped(obj)
	if err != nil {
		return nil
	}
	set, err := tv.ToFieldSet()
	if err != nil {
		return nil
	}
	raw, err := set.ToJSON()
	if err != nil {
		return nil
	}
	return raw
}

func (m *managedFieldsMaker) entry(manager, subresource string, fields []byte) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "v1", Time: &m.at,
		FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(fields)), Subresource: subresource}
}
