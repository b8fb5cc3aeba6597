package ownership_test

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

func ExampleOwners_Of() {
	at := metav1.NewTime(time.Date(2026, 11, 24, 10, 2, 11, 0, time.UTC))
	owners, err := ownership.Parse([]metav1.ManagedFieldsEntry{{
		Manager: "kubectl-set", Operation: metav1.ManagedFieldsOperationUpdate, Time: &at, FieldsType: "FieldsV1",
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{"f:image":{}}}}}}}`),
	}})
	if err != nil {
		panic(err)
	}
	p, _ := diff.ParsePath("spec.template.spec.containers[name=web].image")
	who, rel := owners.Of(p)
	fmt.Println(who[0], rel)
	// Output: kubectl-set (Update, 2026-11-24T10:02:11Z) exact
}
