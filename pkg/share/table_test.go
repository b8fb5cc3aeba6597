package share_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// deploymentLike returns a tree with the repetitions of a Deployment: the same labels three
// times, the same probe in two containers. Each call makes new maps, lists and string bytes.
func deploymentLike(name string) map[string]any {
	str := func(s string) string { return strings.Clone(s) }
	labels := func() map[string]any { return map[string]any{str("app"): str(name), str("tier"): str("web")} }
	probe := func() map[string]any {
		return map[string]any{str("httpGet"): map[string]any{str("path"): str("/healthz"), str("port"): int64(8080)}, str("periodSeconds"): int64(5)}
	}
	return map[string]any{
		"metadata": map[string]any{"name": str(name), "labels": labels()},
		"spec": map[string]any{
			"replicas": int64(2),
			"selector": map[string]any{"matchLabels": labels()},
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels()},
				"spec": map[string]any{"containers": []any{
					map[string]any{"name": str("app"), "readinessProbe": probe(), "args": []any{str("-v"), float64(2), int64(2)}},
					map[string]any{"name": str("log"), "readinessProbe": probe(), "args": []any{}},
				}},
			},
		},
	}
}

// mapID returns the identity of a map: two maps with the same identity are one.
func mapID(v any) unsafe.Pointer { return reflect.ValueOf(v).UnsafePointer() }

func TestObject(t *testing.T) {
	tab := share.NewTable()
	a, b := deploymentLike("a"), deploymentLike("a")
	aCopy, bCopy := deepCopy(a), deepCopy(b)
	sa, sb := tab.Object(a), tab.Object(b)
	for _, c := range []struct {
		name     string
		in, out  map[string]any
		inBefore any
	}{{"first", a, sa, aCopy}, {"second", b, sb, bCopy}} {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.inBefore, any(c.in)); diff != "" {
				t.Errorf("the input changed (-want +got):\n%s", diff)
			}
			if !reflect.DeepEqual(c.in, c.out) {
				t.Errorf("Object() = %v, want %v", c.out, c.in)
			}
		})
	}
	get := func(m map[string]any, path ...string) any {
		var v any = m
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v
	}
	containers := get(sa, "spec", "template", "spec", "containers").([]any)
	for _, c := range []struct {
		name string
		x, y any
	}{
		{"labels and matchLabels", get(sa, "metadata", "labels"), get(sa, "spec", "selector", "matchLabels")},
		{"labels and the template's", get(sa, "metadata", "labels"), get(sa, "spec", "template", "metadata", "labels")},
		{"the probes of two containers", get(containers[0].(map[string]any), "readinessProbe"), get(containers[1].(map[string]any), "readinessProbe")},
		{"two equal objects", sa, sb},
	} {
		t.Run(c.name, func(t *testing.T) {
			if mapID(c.x) != mapID(c.y) {
				t.Errorf("%v and %v are two maps, want one", c.x, c.y)
			}
		})
	}
	// A tree a table returned, shared again, keeps every node of it, the root included: by a
	// new table (what lets a target's defaulted copy be shared with its Want) and by its own,
	// which finds every node and copies no part again.
	for _, again := range []struct {
		name string
		tab  *share.Table
	}{{"a shared tree shared again by a new table", share.NewTable()}, {"a shared tree shared again by its table", tab}} {
		t.Run(again.name, func(t *testing.T) {
			out := again.tab.Object(sa)
			var want, got []unsafe.Pointer
			walk(sa, func(v any) { want = appendNode(want, v) })
			walk(out, func(v any) { got = appendNode(got, v) })
			if diff := cmp.Diff(want, got); diff != "" || len(want) == 0 {
				t.Errorf("the maps and lists of the tree shared again (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a new map of the table's parts", func(t *testing.T) {
		// A map the table has not seen, whose every value is already the table's, is kept as
		// it is rather than copied.
		in := map[string]any{"containers": containers, "name": "not seen before"}
		if out := tab.Object(in); mapID(out) != mapID(in) {
			t.Errorf("Object() copied %v, want it kept", in)
		}
	})
	t.Run("values of other types", func(t *testing.T) {
		in := map[string]any{"a": map[string]string{"k": "v"}, "b": []string{"x"}, "c": int32(1)}
		if out := tab.Object(deepCopy(in).(map[string]any)); !reflect.DeepEqual(in, out) {
			t.Errorf("Object() = %#v, want %#v", out, in)
		}
	})
	t.Run("typed numbers", func(t *testing.T) {
		args := get(containers[0].(map[string]any), "args").([]any)
		if _, ok := args[1].(float64); !ok {
			t.Errorf("args[1] = %T, want float64", args[1])
		}
		if _, ok := args[2].(int64); !ok {
			t.Errorf("args[2] = %T, want int64", args[2])
		}
	})
}

// TestValueRandom checks, on random JSON-like trees shared through one table, that each
// comes out deep-equal to its input, types included, that the input is left as it was, and
// that equal maps, lists and strings come out as one.
func TestValueRandom(t *testing.T) {
	for seed := range uint64(200) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := &gen{r: rand.New(rand.NewPCG(seed, seed*7+1))}
			checkShared(t, []any{g.value(5), g.value(5), g.value(3)})
		})
	}
}

// FuzzValue is TestValueRandom on trees made from the fuzzer's bytes.
func FuzzValue(f *testing.F) {
	f.Add([]byte("seed"), uint8(4))
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, uint8(6))
	f.Fuzz(func(t *testing.T, b []byte, depth uint8) {
		var s [32]byte
		copy(s[:], b)
		g := &gen{r: rand.New(rand.NewChaCha8(s))}
		checkShared(t, []any{g.value(int(depth % 7)), g.value(int(depth % 5))})
	})
}

// checkShared shares trees through one table and checks the result (see TestValueRandom).
func checkShared(t *testing.T, trees []any) {
	t.Helper()
	tab := share.NewTable()
	before := deepCopy(trees).([]any)
	out := make([]any, len(trees))
	for i, tree := range trees {
		out[i] = tab.Value(tree)
	}
	if !reflect.DeepEqual(before, trees) {
		t.Fatalf("the input changed: %#v, was %#v", trees, before)
	}
	if !reflect.DeepEqual(trees, out) {
		t.Fatalf("Value() = %#v, want %#v", out, trees)
	}
	var nodes []any
	strs := map[string]unsafe.Pointer{}
	walk(out, func(v any) {
		switch x := v.(type) {
		case map[string]any:
			nodes = append(nodes, v)
			for k := range x {
				checkString(t, strs, k)
			}
		case []any:
			if len(x) > 0 {
				nodes = append(nodes, v)
			}
		case string:
			checkString(t, strs, x)
		}
	})
	for i, x := range nodes {
		for _, y := range nodes[i+1:] {
			if reflect.DeepEqual(x, y) && reflect.TypeOf(x) == reflect.TypeOf(y) && mapID(x) != mapID(y) {
				t.Errorf("%v and %v are equal, not shared", x, y)
			}
		}
	}
}

// checkString checks that s has the bytes of every equal string seen (strs).
func checkString(t *testing.T, strs map[string]unsafe.Pointer, s string) {
	t.Helper()
	if s == "" {
		return
	}
	if p, ok := strs[s]; !ok {
		strs[s] = unsafe.Pointer(unsafe.StringData(s))
	} else if p != unsafe.Pointer(unsafe.StringData(s)) {
		t.Errorf("string %q is held twice", s)
	}
}

// appendNode appends the identity of v to ids when v is a map or a list, in the order walk
// visits them (a map's entries sorted by key).
func appendNode(ids []unsafe.Pointer, v any) []unsafe.Pointer {
	switch x := v.(type) {
	case map[string]any:
		return append(ids, mapID(x))
	case []any:
		return append(ids, unsafe.Pointer(unsafe.SliceData(x)))
	}
	return ids
}

// walk calls f with v and every value under it.
func walk(v any, f func(any)) {
	f(v)
	switch x := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			walk(x[k], f)
		}
	case []any:
		for _, c := range x {
			walk(c, f)
		}
	}
}

// deepCopy copies a JSON-like tree, nil maps and lists as nil.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[strings.Clone(k)] = deepCopy(c)
		}
		return out
	case []any:
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = deepCopy(c)
		}
		return out
	case string:
		return strings.Clone(x)
	}
	return v
}

// gen makes random JSON-like trees with few distinct values, so that equal subtrees are
// frequent, and with numbers of both types (int64(1) and float64(1)); every string has bytes
// of its own.
// Half the maps and lists it makes are copies of ones it made before.
type gen struct {
	r    *rand.Rand
	made []any
}

func (g *gen) value(depth int) any {
	if len(g.made) > 0 && g.r.IntN(3) == 0 {
		return deepCopy(g.made[g.r.IntN(len(g.made))])
	}
	v := g.fresh(depth)
	switch v.(type) {
	case map[string]any, []any:
		g.made = append(g.made, deepCopy(v))
	}
	return v
}

func (g *gen) fresh(depth int) any {
	n := 9
	if depth <= 0 {
		n = 6
	}
	switch g.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return strings.Clone([]string{"", "a", "b", "app", "web"}[g.r.IntN(5)])
	case 3:
		return int64(g.r.IntN(3)) + []int64{0, 1000}[g.r.IntN(2)]
	case 4:
		return float64(g.r.IntN(3))
	case 5:
		return []any{map[string]any(nil), []any(nil), []any{}, map[string]any{}}[g.r.IntN(4)]
	case 6, 7:
		m := map[string]any{}
		for range g.r.IntN(4) {
			m[strings.Clone([]string{"a", "b", "app", "name", "labels"}[g.r.IntN(5)])] = g.value(depth - 1)
		}
		return m
	}
	l := make([]any, g.r.IntN(4), 4)
	for i := range l {
		l[i] = g.value(depth - 1)
	}
	return l
}

func ExampleTable_Object() {
	tab := share.NewTable()
	a := tab.Object(map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "web"}}})
	b := tab.Object(map[string]any{"spec": map[string]any{"selector": map[string]any{"app": "web"}}})
	labels, selector := a["metadata"].(map[string]any)["labels"], b["spec"].(map[string]any)["selector"]
	fmt.Println(labels, selector, mapID(labels) == mapID(selector))
	// Output: map[app:web] map[app:web] true
}
