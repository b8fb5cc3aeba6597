package cluster

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
)

// benchFieldsV1 is the field set kubectl's client-side apply owns in a Deployment.
const benchFieldsV1 = `{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}},"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"frontend\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}`

// BenchmarkProtobufList decodes a protobuf LIST of 100 Deployments as the server sends it
// (pkg/diff's live test object, with a kubectl-client-side-apply managedFields entry) and
// converts its items to maps with their field sets compacted, as a --once check reads them
// (without their status, as --once reads them since DropStatus): the allocations per LIST,
// HTTP apart.
func BenchmarkProtobufList(b *testing.B) {
	raw, err := os.ReadFile("../diff/testdata/deployment.live.json")
	if err != nil {
		b.Fatal(err)
	}
	var d appsv1.Deployment
	if err := json.Unmarshal(raw, &d); err != nil {
		b.Fatal(err)
	}
	d.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: "kubectl-client-side-apply", Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: "apps/v1",
		Time: &metav1.Time{Time: d.CreationTimestamp.Time}, FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(benchFieldsV1),
	}}
	list := &appsv1.DeploymentList{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DeploymentList"}}
	for i := range 100 {
		item := *d.DeepCopy()
		item.Name = fmt.Sprintf("frontend-%d", i)
		list.Items = append(list.Items, item)
	}
	var body bytes.Buffer
	if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(list, &body); err != nil {
		b.Fatal(err)
	}
	listKind := appsv1.SchemeGroupVersion.WithKind("DeploymentList")
	for _, bc := range []struct {
		name          string
		withoutStatus bool
	}{{"whole", false}, {"without-status", true}} {
		b.Run(bc.name, func(b *testing.B) {
			p := &protobufReader{compact: true, withoutStatus: bc.withoutStatus, conv: &typedconv.Converter{}, status: map[reflect.Type]int{}}
			b.ReportAllocs()
			for b.Loop() {
				got := &appsv1.DeploymentList{}
				if !decodeInPlace(body.Bytes(), got, listKind) {
					b.Fatal("the list does not decode")
				}
				items, err := meta.ExtractList(got)
				if err != nil {
					b.Fatal(err)
				}
				for _, item := range items {
					if _, err := p.toUnstructured(item, appsv1.SchemeGroupVersion.WithKind("Deployment")); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
