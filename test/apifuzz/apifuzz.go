// Package apifuzz fills API objects with random values for tests that compare conversions
// over every kind of the scheme (apimachinery's fuzzer, randfill).
package apifuzz

import (
	"strconv"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/randfill"
)

// Funcs fill the types whose unexported fields randfill cannot set, as real objects hold them:
// a Quantity, a RawExtension (an embedded ConfigMap, or none) and a CRD's JSON. Merge them
// with metafuzzer.Funcs (fuzzer.MergeFuzzerFuncs).
func Funcs(runtimeserializer.CodecFactory) []any {
	return []any{
		func(q *resource.Quantity, c randfill.Continue) {
			*q = *resource.NewMilliQuantity(c.Int63n(1<<40), resource.DecimalSI)
		},
		func(j *runtime.RawExtension, c randfill.Continue) {
			if c.Bool() {
				j.Raw = []byte(`{"apiVersion":"v1","kind":"ConfigMap","data":{"k":"` + strconv.Itoa(c.Int()) + `"}}`)
			}
		},
		func(j *apiextensionsv1.JSON, c randfill.Continue) {
			j.Raw = []byte(strconv.Itoa(c.Int()))
		},
	}
}
