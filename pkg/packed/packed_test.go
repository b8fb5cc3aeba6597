package packed_test

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/json"

	"github.com/gitops-drift/gitops-drift/pkg/packed"
)

// point is a value of a type no JSON tree has.
type point struct{ x, y int }

func TestThaw(t *testing.T) {
	shared := &point{1, 2}
	tests := []struct {
		name string
		in   map[string]any
	}{
		{"nil", nil},
		{"empty", map[string]any{}},
		{"null value", map[string]any{"a": nil}},
		{"nil and empty map", map[string]any{"nil": map[string]any(nil), "empty": map[string]any{}}},
		{"nil and empty list", map[string]any{"nil": []any(nil), "empty": []any{}}},
		{"numbers keep their types", map[string]any{"i": int64(1), "f": float64(1), "big": int64(math.MaxInt64), "neg": int64(math.MinInt64)}},
		{"zeros", map[string]any{"0": float64(0), "-0": math.Copysign(0, -1), "i0": int64(0), "inf": math.Inf(1)}},
		{"booleans", map[string]any{"t": true, "f": false, "l": []any{false, true, false}}},
		{"strings", map[string]any{"": "", "utf8": "é\u2028", "invalid": "\xff", "nul": "a\x00b"}},
		{"a key and a value alike", map[string]any{"app": "app", "l": []any{"app", "app"}}},
		{"deep", map[string]any{"a": map[string]any{"b": []any{map[string]any{"c": []any{[]any{nil, "x"}}}}}}},
		{"many entries", manyEntries(300)},
		{"a list and leaf indexes past 2^14 (three-byte varints)", map[string]any{"l": distinctInts(20000)}},
		{"another type", map[string]any{"p": shared, "i": 3, "m": map[string]string{"a": "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := deepCopy(tt.in)
			p := packed.NewPacker()
			tree := p.Pack(tt.in)
			p.Done()
			got := tree.Thaw()
			if !reflect.DeepEqual(tt.in, got) {
				t.Errorf("Thaw() = %#v, want %#v", got, tt.in)
			}
			if !reflect.DeepEqual(before, tt.in) {
				t.Errorf("Pack changed its input: %#v, was %#v", tt.in, before)
			}
			if tree.IsNil() != (tt.in == nil) {
				t.Errorf("IsNil() = %t for %#v", tree.IsNil(), tt.in)
			}
		})
	}
}

// distinctInts returns a list of n distinct int64s.
func distinctInts(n int) []any {
	l := make([]any, n)
	for i := range l {
		l[i] = int64(i)
	}
	return l
}

func manyEntries(n int) map[string]any {
	m := make(map[string]any, n)
	l := make([]any, n)
	for i := range n {
		m[string(rune('a'+i%26))+string(rune(0x100+i))] = int64(i) << (i % 60)
		l[i] = float64(i) / 7
	}
	m["list"] = l
	return m
}

// deepCopy copies a tree of JSON types; a value of another type is kept.
func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return copyValue(m).(map[string]any)
}

func copyValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = copyValue(e)
		}
		return out
	case []any:
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyValue(e)
		}
		return out
	}
	return v
}

// TestThawFresh checks that each Thaw builds maps and lists of its own, which its caller may
// write without changing the next Thaw's, and that their leaves are the Packer's: an equal
// string of two trees is one copy, not the input's.
func TestThawFresh(t *testing.T) {
	name := string([]byte("web"))
	a := map[string]any{"metadata": map[string]any{"name": name}, "spec": map[string]any{"args": []any{"web"}}}
	b := map[string]any{"labels": map[string]any{"app": "web"}}
	p := packed.NewPacker()
	ta, tb := p.Pack(a), p.Pack(b)
	p.Done()
	first, second := ta.Thaw(), ta.Thaw()
	first["metadata"].(map[string]any)["name"] = "changed"
	first["spec"].(map[string]any)["args"].([]any)[0] = "changed"
	if !reflect.DeepEqual(a, second) {
		t.Errorf("a Thaw changed by writing another: %v, want %v", second, a)
	}
	if got := ta.Thaw(); !reflect.DeepEqual(a, got) {
		t.Errorf("the Tree changed by writing a Thaw: %v, want %v", got, a)
	}
	x := second["metadata"].(map[string]any)["name"].(string)
	y := tb.Thaw()["labels"].(map[string]any)["app"].(string)
	if unsafe.StringData(x) != unsafe.StringData(y) {
		t.Error("an equal string of two trees is held twice")
	}
	if unsafe.StringData(x) == unsafe.StringData(name) {
		t.Error("the Packer holds its input's bytes, not a copy")
	}
	c := packed.NewPacker()
	tc := c.Pack(map[string]any{"app": "web", "x": []any{"app"}})
	c.Done()
	thawed := tc.Thaw()
	for k := range thawed {
		if k == "app" && unsafe.StringData(k) != unsafe.StringData(thawed["x"].([]any)[0].(string)) {
			t.Error("a key and an equal string leaf are held twice")
		}
	}
}

// TestThawAllocs checks that a Thaw allocates its maps and lists and nothing else: every
// leaf comes boxed from the table.
func TestThawAllocs(t *testing.T) {
	tree := map[string]any{
		"s": "text", "i": int64(12345), "f": 1.5, "b": true, "n": nil,
		"m": map[string]any{"k": "v", "l": []any{"a", int64(7), 2.5, false}},
	}
	p := packed.NewPacker()
	packedTree := p.Pack(tree)
	p.Done()
	// Two maps of two allocations each (the map and its slots), and one list of two (its
	// items and the box of its header): no leaf.
	const want = 6
	if got := testing.AllocsPerRun(100, func() { packedTree.Thaw() }); got != want {
		t.Errorf("Thaw allocates %v times, want %d (its maps and lists)", got, want)
	}
}

// TestThawConcurrent thaws one Tree from many goroutines (run with -race).
func TestThawConcurrent(t *testing.T) {
	in := deploymentJSON(t)
	p := packed.NewPacker()
	tree := p.Pack(in)
	p.Done()
	var wg sync.WaitGroup
	errs := make([]string, 8)
	for g := range errs {
		wg.Go(func() {
			for range 20 {
				if diff := cmp.Diff(in, tree.Thaw()); diff != "" {
					errs[g] = diff
					return
				}
			}
		})
	}
	wg.Wait()
	for _, d := range errs {
		if d != "" {
			t.Errorf("Thaw (-want +got):\n%s", d)
		}
	}
}

// TestPackShared checks that packing many trees in one Packer holds every tree as before.
func TestPackShared(t *testing.T) {
	d := deploymentJSON(t)
	trees := []map[string]any{d, deepCopy(d), {"other": []any{"x", int64(1), float64(1)}}, d["spec"].(map[string]any)}
	p := packed.NewPacker()
	var out []packed.Tree
	for _, tree := range trees {
		out = append(out, p.Pack(tree))
	}
	p.Done()
	for i, tree := range trees {
		if diff := cmp.Diff(tree, out[i].Thaw()); diff != "" {
			t.Errorf("tree %d (-want +got):\n%s", i, diff)
		}
	}
}

// deploymentJSON reads testdata/deployment.json, a Deployment of the macro benchmark's corpus
// as pkg/check holds it (normalised), as k8s.io/apimachinery/pkg/util/json decodes it.
func deploymentJSON(tb testing.TB) map[string]any {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "deployment.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// FuzzPackThaw packs the objects of JSON inputs, as k8s.io/apimachinery/pkg/util/json
// decodes them, two to a Packer, and checks that each thaws to a tree deep-equal to it.
func FuzzPackThaw(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":null}`, `{"a":[]}`, `{"a":{}}`, `{"a":1,"b":1.0,"c":-0.0,"d":1e300}`,
		`{"a":[1,"1",true,null,{"b":[[]]}]}`, `{"a":"a","b":{"a":"a"}}`, `{"9223372036854775807":9223372036854775808}`,
	} {
		f.Add([]byte(s), []byte(`{"a":[1,2,{"a":"b"}]}`))
	}
	data, err := os.ReadFile(filepath.Join("testdata", "deployment.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, data)
	f.Fuzz(func(t *testing.T, x, y []byte) {
		var a, b map[string]any
		if json.Unmarshal(x, &a) != nil || json.Unmarshal(y, &b) != nil {
			return
		}
		wantA, wantB := runtime.DeepCopyJSON(a), runtime.DeepCopyJSON(b)
		p := packed.NewPacker()
		ta, tb := p.Pack(a), p.Pack(b)
		p.Done()
		if got := ta.Thaw(); !reflect.DeepEqual(wantA, got) {
			t.Fatalf("first: Thaw() = %#v, want %#v", got, wantA)
		}
		if got := tb.Thaw(); !reflect.DeepEqual(wantB, got) {
			t.Fatalf("second: Thaw() = %#v, want %#v", got, wantB)
		}
	})
}

// BenchmarkThaw thaws a Deployment of the macro benchmark's corpus (testdata/deployment.json),
// and reports the bytes its encoding holds (B/tree).
func BenchmarkThaw(b *testing.B) {
	p := packed.NewPacker()
	tree := p.Pack(deploymentJSON(b))
	p.Done()
	b.ReportAllocs()
	for b.Loop() {
		tree.Thaw()
	}
	b.ReportMetric(float64(tree.Size()), "B/tree")
}

// BenchmarkPack packs a Deployment of the macro benchmark's corpus (testdata/deployment.json)
// into a Packer that has packed it before, as a compile packs objects of like shapes.
func BenchmarkPack(b *testing.B) {
	d := deploymentJSON(b)
	p := packed.NewPacker()
	p.Pack(d)
	b.ReportAllocs()
	for b.Loop() {
		p.Pack(d)
	}
}
