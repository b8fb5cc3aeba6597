package typedconv_test

import (
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
	"github.com/gitops-drift/gitops-drift/test/apifuzz"
)

// unstructuredMutations returns changes to an object's unstructured form after which it no
// longer fits its type as it is, to check the fallback: unknown fields; strings, numbers and
// booleans of the wrong type (a string of bytes that is not base64 among them).
func unstructuredMutations() map[string]func(u map[string]any) {
	return map[string]func(u map[string]any){
		"none": func(map[string]any) {},
		"unknown field": func(u map[string]any) {
			u["notAField"] = "x"
			deepen(u, func(m map[string]any) { m["alsoNot"] = int64(1) })
		},
		"types": func(u map[string]any) { deepen(u, retype) },
	}
}

// deepen calls f on the deepest map of u along its first keys.
func deepen(u map[string]any, f func(map[string]any)) {
	keys := make([]string, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m, ok := u[k].(map[string]any); ok && len(m) > 0 {
			deepen(m, f)
			return
		}
	}
	f(u)
}

// retype changes the type of every value of m: strings to numbers, numbers to floats or
// strings, booleans to strings.
func retype(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case string:
			m[k] = int64(len(v))
		case int64:
			m[k] = float64(v) + 0.5
		case float64:
			m[k] = "1"
		case bool:
			m[k] = "true"
		}
	}
}

// TestFromUnstructuredSameAsDefault fills objects of every kind of client-go's scheme and
// of apiextensions.k8s.io/v1 at random, converts them to maps, changes those (see
// unstructuredMutations) and checks that the Converter sets the same object, and fails the
// same way, as runtime.DefaultUnstructuredConverter.
func TestFromUnstructuredSameAsDefault(t *testing.T) {
	rounds := 20
	if testing.Short() {
		rounds = 3
	}
	s := testScheme(t)
	f := fuzzer.FuzzerFor(fuzzer.MergeFuzzerFuncs(metafuzzer.Funcs, apifuzz.Funcs), rand.NewSource(2), runtimeserializer.NewCodecFactory(s)).MaxDepth(12)
	types := s.AllKnownTypes()
	kinds := make([]string, 0, len(types))
	byName := map[string]reflect.Type{}
	for gvk, typ := range types {
		if gvk.Version == runtime.APIVersionInternal {
			continue // internal types, such as WatchEvent, whose interface fields the default converter panics on
		}
		kinds = append(kinds, gvk.String())
		byName[gvk.String()] = typ
	}
	sort.Strings(kinds)
	var c typedconv.Converter
	exporter := cmp.Exporter(func(reflect.Type) bool { return true })
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			for range rounds {
				src := reflect.New(byName[kind]).Interface()
				f.Fill(src)
				for name, mutate := range unstructuredMutations() {
					u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(src)
					if err != nil {
						continue // a filled object that JSON cannot hold (bad RawExtension)
					}
					mutate(u)
					want := reflect.New(byName[kind]).Interface()
					wantErr := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(runtime.DeepCopyJSON(u), want, true)
					got := reflect.New(byName[kind]).Interface()
					err = c.FromUnstructuredWithValidation(u, got, true)
					if (err == nil) != (wantErr == nil) {
						t.Fatalf("%s: FromUnstructuredWithValidation error = %v, want %v", name, err, wantErr)
					}
					_, strict := runtime.AsStrictDecodingError(wantErr)
					if wantErr != nil && !strict {
						continue // the default converter stops at the first bad value it meets, in map order
					}
					if err != nil && err.Error() != wantErr.Error() {
						t.Fatalf("%s: FromUnstructuredWithValidation error = %v, want %v", name, err, wantErr)
					}
					if diff := cmp.Diff(want, got, exporter); diff != "" {
						t.Fatalf("%s: FromUnstructuredWithValidation (-default +got):\n%s", name, diff)
					}
				}
			}
		})
	}
}
