package typedconv_test

import (
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
)

// TestDirectForEveryKind checks that every kind of client-go's scheme and of
// apiextensions.k8s.io/v1 is converted directly, both ways, but to maps for the kinds with a
// ",inline" json option (left to the default converter on purpose, see structPlan): a
// Converter that left others to the default converter would give the same objects, only
// slower, which the tests comparing with the default converter cannot tell.
func TestDirectForEveryKind(t *testing.T) {
	s := testScheme(t)
	var kinds []string
	byName := map[string]reflect.Type{}
	for gvk, typ := range s.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal {
			continue // WatchEvent and the like: interface fields, the default converter's
		}
		kinds = append(kinds, gvk.String())
		byName[gvk.String()] = typ
	}
	sort.Strings(kinds)
	var c typedconv.Converter
	inlined := 0
	for _, kind := range kinds {
		wantTo := !hasInlineOption(byName[kind], map[reflect.Type]bool{})
		if !wantTo {
			inlined++
		}
		if to, from := typedconv.Direct(&c, byName[kind]); to != wantTo || !from {
			t.Errorf("%s: converted directly to maps %v, from maps %v; want %v, true", kind, to, from, wantTo)
		}
	}
	if inlined > len(kinds)/10 {
		t.Errorf("%d of %d kinds have a \",inline\" json option: the test no longer tells much", inlined, len(kinds))
	}
}

// hasInlineOption reports whether struct type t, or a struct under it, has a field whose json
// tag has the inline option.
func hasInlineOption(t reflect.Type, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() == "time" {
		return false
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if _, opts, _ := strings.Cut(f.Tag.Get("json"), ","); slices.Contains(strings.Split(opts, ","), "inline") {
			return true
		}
		if hasInlineOption(f.Type, seen) {
			return true
		}
	}
	return false
}

// TestDirectAllocatesLess checks that ToUnstructured and FromUnstructuredWithValidation take
// their direct conversion for a Deployment and a Pod, and that it costs fewer allocations than
// the default converter's: what the Converter is for.
func TestDirectAllocatesLess(t *testing.T) {
	var c typedconv.Converter
	for _, obj := range []any{sampleDeployment(), samplePod()} {
		name := reflect.TypeOf(obj).Elem().Name()
		u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			t.Fatal(err)
		}
		to := testing.AllocsPerRun(20, func() { _, _ = c.ToUnstructured(obj) })
		toDefault := testing.AllocsPerRun(20, func() { _, _ = runtime.DefaultUnstructuredConverter.ToUnstructured(obj) })
		if to >= toDefault {
			t.Errorf("%s: ToUnstructured allocates %.0f times, the default converter %.0f; want fewer", name, to, toDefault)
		}
		typ := reflect.TypeOf(obj).Elem()
		from := testing.AllocsPerRun(20, func() {
			_ = c.FromUnstructuredWithValidation(u, reflect.New(typ).Interface(), true)
		})
		fromDefault := testing.AllocsPerRun(20, func() {
			_ = runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u, reflect.New(typ).Interface(), true)
		})
		if from >= fromDefault {
			t.Errorf("%s: FromUnstructuredWithValidation allocates %.0f times, the default converter %.0f; want fewer", name, from, fromDefault)
		}
	}
}

func sampleDeployment() *appsv1.Deployment {
	d := &appsv1.Deployment{}
	d.APIVersion, d.Kind, d.Name, d.Namespace = "apps/v1", "Deployment", "web", "shop"
	d.Labels = map[string]string{"app": "web"}
	replicas := int32(2)
	d.Spec.Replicas = &replicas
	d.Spec.Template.Spec = samplePod().Spec
	return d
}

func samplePod() *corev1.Pod {
	p := &corev1.Pod{}
	p.APIVersion, p.Kind, p.Name = "v1", "Pod", "web"
	p.Spec.Containers = []corev1.Container{{
		Name: "web", Image: "nginx:1.27",
		Ports: []corev1.ContainerPort{{ContainerPort: 80, Protocol: corev1.ProtocolTCP}},
		Env:   []corev1.EnvVar{{Name: "MODE", Value: "prod"}},
	}}
	return p
}

// Types with what no Kubernetes kind has, for TestOtherTypes.
type (
	unsigned struct {
		N     uint64  `json:"n"`
		After string  `json:"after"`
		U     uint32  `json:"u,omitempty"`
		F     float64 `json:"f,omitempty"`
	}
	skipped struct {
		Skip  string `json:"-"`
		After string `json:"after"`
	}
	Inner       struct{ In string }
	nilEmbedded struct {
		*Inner
		After string `json:"after"`
	}
	intKeys struct {
		M map[int]string `json:"m"`
	}
	untagged struct {
		Name  string
		Empty string `json:""`
		Inner `json:""`
	}
	embeddedTime struct {
		metav1.Time        // a type with its own conversion, embedded: left to the default converter
		After       string `json:"after"`
	}
	// Two embedded types with their own conversion, whose methods then reach neither struct.
	twoTimes struct {
		metav1.Time
		metav1.MicroTime
		After string `json:"after"`
	}
	twoTimesPointers struct {
		*metav1.Time
		*metav1.MicroTime
		After string `json:"after"`
	}
	hidden struct {
		Shown  string `json:"shown"`
		hidden string
	}
)

// TestOtherTypes checks, on Go types with what Kubernetes kinds lack (unsigned integers,
// empty floats, fields skipped or embedded through a nil pointer, maps with other keys than
// strings, fields without a json name, unexported fields), that the Converter gives what the
// default converter gives, both ways, errors included.
func TestOtherTypes(t *testing.T) {
	cases := []struct {
		name string
		obj  any
		u    map[string]any // converted back into a new value of obj's type
	}{
		{"unsigned", &unsigned{N: 7, After: "a", U: 3, F: 1.5}, map[string]any{"n": int64(7), "after": "a", "u": int64(3), "f": 1.5}},
		{"unsigned empty", &unsigned{After: "a"}, map[string]any{"n": int64(0), "after": "a"}},
		{"largest int64", &unsigned{N: math.MaxInt64, After: "a"}, map[string]any{"n": int64(math.MaxInt64), "after": "a"}},
		{"beyond int64", &unsigned{N: math.MaxInt64 + 1, After: "a"}, nil},
		{"skipped field", &skipped{Skip: "s", After: "a"}, map[string]any{"after": "a"}},
		{"nil embedded pointer", &nilEmbedded{After: "a"}, map[string]any{"after": "a"}},
		{"set embedded pointer", &nilEmbedded{Inner: &Inner{In: "i"}, After: "a"}, map[string]any{"In": "i", "after": "a"}},
		{"int keys", &intKeys{M: map[int]string{1: "x"}}, map[string]any{"m": map[string]any{"1": "x"}}},
		{"untagged", &untagged{Name: "n", Empty: "e", Inner: Inner{In: "i"}}, map[string]any{"Name": "n", "Empty": "e", "In": "i"}},
		{"unexported", &hidden{Shown: "s", hidden: "h"}, nil}, // the default converter panics setting one
		{"embedded type with its own conversion", &embeddedTime{After: "a"}, nil},
		{"two embedded types with their own conversion", &twoTimes{After: "a"}, map[string]any{"after": "a"}},
		{"two embedded pointers to types with their own conversion", &twoTimesPointers{Time: &metav1.Time{}, MicroTime: &metav1.MicroTime{}, After: "a"}, map[string]any{"after": "a"}},
	}
	var c typedconv.Converter
	t.Run("unexported, left to the default converter", func(t *testing.T) {
		if to, from := typedconv.Direct(&c, reflect.TypeFor[hidden]()); to || from {
			t.Errorf("converted directly to maps %v, from maps %v; want neither", to, from)
		}
	})
	t.Run("the others, directly to maps", func(t *testing.T) {
		for _, typ := range []reflect.Type{reflect.TypeFor[unsigned](), reflect.TypeFor[skipped](), reflect.TypeFor[nilEmbedded](), reflect.TypeFor[untagged]()} {
			if to, _ := typedconv.Direct(&c, typ); !to {
				t.Errorf("%v: converted directly to maps %v, want true", typ, to)
			}
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := runtime.DefaultUnstructuredConverter.ToUnstructured(tc.obj)
			got, err := c.ToUnstructured(tc.obj)
			if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("ToUnstructured error = %v, want %v", err, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ToUnstructured (-default +got):\n%s", diff)
			}
			if tc.u == nil {
				return
			}
			typ := reflect.TypeOf(tc.obj).Elem()
			wantObj, gotObj := reflect.New(typ).Interface(), reflect.New(typ).Interface()
			wantErr = runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(runtime.DeepCopyJSON(tc.u), wantObj, true)
			err = c.FromUnstructuredWithValidation(tc.u, gotObj, true)
			if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("FromUnstructuredWithValidation error = %v, want %v", err, wantErr)
			}
			if diff := cmp.Diff(wantObj, gotObj, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
				t.Errorf("FromUnstructuredWithValidation (-default +got):\n%s", diff)
			}
		})
	}
}

// TestArguments checks that the Converter answers what the default converter answers for
// arguments that are not a pointer to a zero struct: a struct value and a nil pointer to
// convert to a map; a nil pointer, a struct that already holds values and a map to set from
// one.
func TestArguments(t *testing.T) {
	var c typedconv.Converter
	var nilDeployment *appsv1.Deployment
	for name, obj := range map[string]any{"struct value": appsv1.Deployment{}, "nil pointer": nilDeployment} {
		_, wantErr := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if _, err := c.ToUnstructured(obj); wantErr == nil || err == nil || err.Error() != wantErr.Error() {
			t.Errorf("ToUnstructured(%s) error = %v, want %v", name, err, wantErr)
		}
	}
	u := map[string]any{"metadata": map[string]any{"name": "d"}}
	for name, into := range map[string]func() any{
		"struct value": func() any { return appsv1.Deployment{} },
		"nil pointer":  func() any { return nilDeployment },
		"a struct with values": func() any {
			return &appsv1.Deployment{Spec: appsv1.DeploymentSpec{MinReadySeconds: 5}}
		},
		"a map": func() any { return &map[string]any{"x": "y"} },
	} {
		want, got := into(), into()
		wantErr := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(runtime.DeepCopyJSON(u), want, true)
		err := c.FromUnstructuredWithValidation(runtime.DeepCopyJSON(u), got, true)
		if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
			t.Errorf("FromUnstructuredWithValidation(%s) error = %v, want %v", name, err, wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("FromUnstructuredWithValidation(%s) (-default +got):\n%s", name, diff)
		}
	}
}
