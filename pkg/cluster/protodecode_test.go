package cluster

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"
)

// TestUnknownRaw checks that unknownRaw finds the object in what apimachinery's protobuf
// serializer (the API server's) writes, as that serializer decodes it, and nothing where the
// body is not of the kind asked for or not plain protobuf.
func TestUnknownRaw(t *testing.T) {
	list := &appsv1.DeploymentList{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DeploymentList"},
		ListMeta: metav1.ListMeta{ResourceVersion: "42"},
		Items: []appsv1.Deployment{{
			ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "n", Labels: map[string]string{"a": "b"}},
			Spec:       appsv1.DeploymentSpec{Replicas: ptr.To[int32](2)},
		}},
	}
	var body bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(list, &body); err != nil {
		t.Fatal(err)
	}
	data := body.Bytes()
	gvk := appsv1.SchemeGroupVersion.WithKind("DeploymentList")

	raw, found := unknownRaw(data, gvk)
	if !found {
		t.Fatal("unknownRaw found nothing in the serializer's body")
	}
	got := &appsv1.DeploymentList{}
	if err := got.Unmarshal(raw); err != nil {
		t.Fatal(err)
	}
	want := &appsv1.DeploymentList{}
	if _, _, err := scheme.Codecs.UniversalDeserializer().Decode(data, nil, want); err != nil {
		t.Fatal(err)
	}
	want.TypeMeta = metav1.TypeMeta{} // the client's decoder clears it
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded (-serializer +unknownRaw):\n%s", diff)
	}

	tests := []struct {
		name string
		body []byte
		gvk  runtime.Object
	}{
		{"another kind", data, &corev1.ConfigMapList{}},
		{"no prefix", data[len(protobufPrefix):], list},
		{"truncated", data[:len(data)-1], list},
		{"JSON", []byte(`{"apiVersion":"apps/v1","kind":"DeploymentList"}`), list},
		{"content encoding", append(bytes.Clone(data), 3<<3|2, 4, 'g', 'z', 'i', 'p'), list},
		{"content type", append(bytes.Clone(data), 4<<3|2, 4, 'j', 's', 'o', 'n'), list},
		{"unknown field", append(bytes.Clone(data), 5<<3|2, 0), list},
		{"varint field", append(bytes.Clone(data), 5<<3, 1), list},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kinds, _, err := scheme.Scheme.ObjectKinds(tc.gvk)
			if err != nil {
				t.Fatal(err)
			}
			if _, found := unknownRaw(tc.body, kinds[0]); found {
				t.Error("unknownRaw found an object")
			}
		})
	}
}

// TestDecodeInPlace checks that decodeInPlace decodes a list as the serializer does, with
// Items made at their length, and an object that is not a list as it is.
func TestDecodeInPlace(t *testing.T) {
	list := &appsv1.DeploymentList{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DeploymentList"},
		ListMeta: metav1.ListMeta{ResourceVersion: "42"},
	}
	for _, name := range []string{"a", "b", "c"} {
		list.Items = append(list.Items, appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "n"}})
	}
	one := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "n"},
		Data:       map[string]string{"k": "v"},
	}
	tests := []struct {
		name    string
		obj     runtime.Object
		into    func() runtime.Object
		wantCap int
	}{
		{"list", list, func() runtime.Object { return &appsv1.DeploymentList{} }, 3},
		{"empty list", &appsv1.DeploymentList{TypeMeta: list.TypeMeta}, func() runtime.Object { return &appsv1.DeploymentList{} }, 0},
		{"object", one, func() runtime.Object { return &corev1.ConfigMap{} }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body bytes.Buffer
			if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(tc.obj, &body); err != nil {
				t.Fatal(err)
			}
			want := tc.into()
			if _, _, err := scheme.Codecs.UniversalDeserializer().Decode(body.Bytes(), nil, want); err != nil {
				t.Fatal(err)
			}
			want.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{}) // the client's decoder clears it
			got := tc.into()
			if !decodeInPlace(body.Bytes(), got, tc.obj.GetObjectKind().GroupVersionKind()) {
				t.Fatal("decodeInPlace did not decode")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decoded (-serializer +decodeInPlace):\n%s", diff)
			}
			if l, ok := got.(*appsv1.DeploymentList); ok && cap(l.Items) != tc.wantCap {
				t.Errorf("cap(Items) = %d, want %d", cap(l.Items), tc.wantCap)
			}
		})
	}
}
