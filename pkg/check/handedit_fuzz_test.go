package check_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// leaf is a value of an object, as a managedFields entry would own it: a path, and for an item
// of a set list its value.
type leaf struct {
	path   diff.Path
	item   any
	isItem bool
}

// leavesOf returns the leaves of obj (scalars, empty maps and lists, items of set lists), list
// items named as Compare names them, sorted by path; not the identity, managedFields or the
// other metadata the server owns.
func leavesOf(obj map[string]any, s *diff.Schema) []leaf {
	var out []leaf
	var walk func(v any, s *diff.Schema, p diff.Path)
	walk = func(v any, s *diff.Schema, p diff.Path) {
		if diff.NeverCompared(p) && len(p) > 0 && p[0].Name == "metadata" {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 && len(p) > 0 {
				out = append(out, leaf{path: p})
			}
			for k, e := range x {
				walk(e, s.Field(k), append(p[:len(p):len(p)], diff.Segment{Kind: diff.FieldSegment, Name: k}))
			}
		case []any:
			set := s != nil && s.ListType == diff.ListSet
			if len(x) == 0 {
				out = append(out, leaf{path: p})
			}
			for j, e := range x {
				if set {
					out = append(out, leaf{path: p, item: e, isItem: true})
				} else {
					walk(e, s.Item(), append(p[:len(p):len(p)], diff.ItemSegment(x, j, s)))
				}
			}
		default:
			out = append(out, leaf{path: p})
		}
	}
	walk(obj, s, nil)
	slices.SortFunc(out, func(a, b leaf) int {
		return strings.Compare(a.path.String()+fmt.Sprint(a.item), b.path.String()+fmt.Sprint(b.item))
	})
	return out
}

// handEditOp changes obj (with schema s) as byte op says, using a and b to pick what: a value
// changed or removed, a key added, a finalizer added, or a leaf given to a manager of
// everyManager in a managedFields entry of its own.
func handEditOp(t *testing.T, obj map[string]any, s *diff.Schema, op, a, b byte) {
	leaves := leavesOf(obj, s)
	if len(leaves) == 0 {
		return
	}
	l := leaves[int(a)%len(leaves)]
	switch op % 6 {
	case 0: // change the value
		if v, ok := diff.Get(obj, l.path, s); ok && !l.isItem {
			_ = diff.Set(obj, l.path, s, changeScalars(runtime.DeepCopyJSONValue(v)))
		}
	case 1: // remove it
		if !l.isItem && len(l.path) > 1 {
			diff.Delete(obj, l.path, s)
		}
	case 2: // add a key beside it
		if parent, ok := diff.Get(obj, l.path[:len(l.path)-1], s); ok {
			if m, ok := parent.(map[string]any); ok {
				m[fmt.Sprintf("added%d", b%4)] = fmt.Sprintf("v%d", b)
			}
		}
	case 3, 4: // a manager owns it
		own(t, obj, s, everyManager[int(b)%len(everyManager)], l)
	case 5: // a finalizer, owned
		md := obj["metadata"].(map[string]any)
		f := fmt.Sprintf("example.com/f%d", b%4)
		fins, _ := md["finalizers"].([]any)
		md["finalizers"] = append(fins, f)
		own(t, obj, s, everyManager[int(b)%len(everyManager)], leaf{path: diff.Path{{Name: "metadata"}, {Name: "finalizers"}}, item: f, isItem: true})
	}
}

// own adds a managedFields entry of manager (an Update) that owns l in obj.
func own(t *testing.T, obj map[string]any, s *diff.Schema, manager string, l leaf) {
	fp, err := ownership.FieldPath(l.path, obj, s)
	if err != nil {
		return
	}
	if l.isItem {
		fp = append(fp, fieldpath.PathElement{Value: ptr(value.NewValueInterface(l.item))})
	}
	raw, err := fieldpath.NewSet(fp).ToJSON()
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	md := obj["metadata"].(map[string]any)
	entries, _ := md["managedFields"].([]any)
	md["managedFields"] = append(entries, map[string]any{"manager": manager, "operation": "Update",
		"apiVersion": obj["apiVersion"], "time": "2026-12-04T19:08:00Z", "fieldsType": "FieldsV1", "fieldsV1": fields})
}

func ptr[T any](v T) *T { return &v }

// compileShared compiles set as compileOffline does, with norm.
func compileShared(t *testing.T, set *manifest.Set, norm *normalize.Normalizer, manual []string) *check.Desired {
	t.Helper()
	d, err := check.Compiler{Schemas: schema.NewResolver(nil), Normalizer: norm, Manual: manual}.Compile(set, "rev")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FuzzHandEdits changes the objects the real API server gave for TestHandEdits at random
// (values changed, removed and added, finalizers, fields given to managers) and checks, with a
// random list of hand-edit managers, that the one-walk search finds what the search it
// replaced found (Compare and CompareRequest: fields, order, owners), and that a projection of
// each object (Target.Project) gives the same answers as the object.
func FuzzHandEdits(f *testing.F) {
	f.Add(uint8(0), uint8(0xff), []byte{})
	f.Add(uint8(3), uint8(0x01), []byte{3, 7, 1, 0, 9, 0, 5, 1, 2})
	f.Add(uint8(5), uint8(0x0f), []byte{2, 4, 5, 4, 11, 6, 1, 3, 3, 5, 0, 1})
	f.Add(uint8(9), uint8(0x80), []byte{3, 200, 7, 3, 100, 7, 0, 200, 0})
	names := append([]string{appliedCase.name}, slices.Sorted(maps.Keys(liveCases))...)
	// Loaded and normalised once: a compilation per list of managers costs little then.
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(handEditApp)}}, manifest.Options{Namespace: "demo"})
	if err != nil {
		f.Fatal(err)
	}
	norm, err := normalize.New(nil)
	if err != nil {
		f.Fatal(err)
	}
	compiled := map[uint8]*check.Desired{}
	captured := map[string]liveMap{}
	f.Fuzz(func(t *testing.T, which, managers uint8, ops []byte) {
		if len(ops) > 60 {
			return
		}
		d, ok := compiled[managers]
		if !ok {
			var manual []string
			for i, m := range everyManager {
				if managers&(1<<i) != 0 {
					manual = append(manual, m)
				}
			}
			d = compileShared(t, set, norm, manual)
			d.SetSecretKey([]byte("0123456789abcdef0123456789abcdef"))
			compiled[managers] = d
		}
		name := names[int(which)%len(names)]
		if captured[name] == nil {
			captured[name] = liveObjects(t, name)
		}
		live := liveMap{}
		for k, obj := range captured[name] {
			live[k] = runtime.DeepCopyJSON(obj)
		}
		for i := range d.Targets {
			tg := &d.Targets[i]
			obj := live[tg.Key.Name]
			for j := 0; j+2 < len(ops); j += 3 {
				handEditOp(t, obj, tg.Schema, ops[j], ops[j+1], ops[j+2])
			}
			marked := tg.Project(obj)
			kept := tg.NoteInSync(marked) // as the auditor's cache keeps it, and Compare reads it
			projected := tg.Resolve(marked)
			for _, c := range []struct {
				name      string
				want, got []diff.Field
			}{
				{"Compare (-legacy +one walk)", tg.LegacyCompare(obj), tg.Compare(obj)},
				{"CompareRequest (-legacy +one walk)", tg.LegacyCompareRequest(obj), tg.CompareRequest(obj)},
				{"Compare (-object +projection)", tg.Compare(obj), tg.Compare(kept)},
				{"Compare (-object +projection, resolved)", tg.Compare(obj), tg.Compare(projected)},
				{"CompareRequest (-object +projection)", tg.CompareRequest(obj), tg.CompareRequest(projected)},
			} {
				noSecretShown(t, []any{c.want, c.got})
				if diff := cmp.Diff(c.want, c.got); diff != "" {
					t.Fatalf("%s: %s:\n%s", tg.Key, c.name, diff)
				}
			}
		}
	})
}
