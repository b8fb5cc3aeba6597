package webhook

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/normalize"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// decodeCases are JSON documents whose decoding must match util/json's, valid or not.
var decodeCases = []string{
	`{}`, ` { } `, `null`, ` null `, `{"a":null}`, `{"a":{}}`, `{"a":[]}`, `{"a":[[],[{}]]}`,
	`{"i":1,"neg":-7,"zero":-0,"big":9223372036854775807,"over":9223372036854775808,"f":1.0,"e":1e3,"E":-2.5E-3,"tiny":1e-400}`,
	`{"s":"plain","esc":"a\"b\\c\/d\b\f\n\r\t","u":"\u00e9\u4e2d","pair":"\ud83d\ude00","lone":"\ud800x","lowfirst":"\udc00","twohigh":"\ud800\ud800","hinot":"\ud800\u0041"}`,
	"{\"utf8\":\"é中😀\",\"bad\":\"a\xffb\xc3\",\"key\xfe\":1}",
	`{"dup":1,"dup":2}`, `{"a":true,"b":false,"l":[1,"x",null,true,{"k":[2.5]}]}`,
	// Errors.
	``, `[]`, `"s"`, `1`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":[1,]}`, `{"a":[1 2]}`,
	`{a:1}`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":-}`, `{"a":1e}`, `{"a":1e400}`, `{"a":tru}`,
	`{"a":truex}`, `{"a":nul}`, "{\"a\":\"x\ny\"}", `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\uzzzz"}`,
	`{"a":"unterminated}`, `{"a":1}x`, `{"a":1}{}`, `{"a":[}`, `{"a":{]}`, `{"a":"\`,
}

func TestDecodeObjectMatchesUtilJSON(t *testing.T) {
	for _, in := range decodeCases {
		t.Run(in, func(t *testing.T) { sameAsUtilJSON(t, []byte(in)) })
	}
}

// sameAsUtilJSON checks that decodeObject, without pruning, gives util/json's result and fails
// where it fails.
func sameAsUtilJSON(t *testing.T, raw []byte) {
	t.Helper()
	var want map[string]any
	wantErr := utiljson.Unmarshal(raw, &want)
	got, err := decodeObject(raw, nil)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decodeObject(%q) error = %v, util/json error = %v", raw, err, wantErr)
	}
	if err != nil {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("decodeObject(%q) (-util/json +decodeObject):\n%s", raw, diff)
	}
}

func TestDecodeObjectDepth(t *testing.T) {
	deep := func(n int) []byte {
		b := []byte(`{"a":`)
		for range n - 2 {
			b = append(b, '[')
		}
		b = append(b, "{}"...)
		for range n - 2 {
			b = append(b, ']')
		}
		return append(b, '}')
	}
	for _, n := range []int{maxDepth, maxDepth + 1} {
		var want map[string]any
		wantErr := utiljson.Unmarshal(deep(n), &want)
		_, err := decodeObject(deep(n), nil)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("depth %d: decodeObject error = %v, util/json error = %v", n, err, wantErr)
		}
	}
}

// TestDecodePrunedCompares checks that pruning the fields Git does not set changes nothing
// Compare sees: for each live object, the pruned and the whole decode drift alike.
func TestDecodePrunedCompares(t *testing.T) {
	d := testDesired(t)
	bench := benchLive(t)
	tests := []struct {
		name string
		t    *check.Target
		live map[string]any
		// pruned are fields of live the pruned decode must drop.
		pruned []string
	}{
		{name: "bench deployment", t: target(t, compileDir(t, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend"), live: bench, pruned: []string{"status"}},
		{
			name: "deployment with drift, status and managedFields",
			t:    target(t, d, "apps", "Deployment", "default", "frontend"),
			live: gitObject(t, d, "apps", "Deployment", "default", "frontend",
				setField("spec.template.spec.containers[name=frontend].image", "nginx:evil"),
				setField("spec.replicas", int64(9)),
				setField("metadata.labels.extra", "x"),
				setField("metadata.annotations.other", "y"),
				setField("metadata.managedFields", []any{map[string]any{"manager": "kubectl"}}),
				setField("status", map[string]any{"replicas": int64(9)}),
				setField("spec.strategy.type", "Recreate")),
			pruned: []string{"status", "metadata.managedFields", "metadata.labels.extra"},
		},
		{
			name:   "secret: stringData against data",
			t:      target(t, d, "", "Secret", "default", "db"),
			live:   map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db", "namespace": "default", "uid": "u-1"}, "data": map[string]any{"password": "b3RoZXI="}, "type": "Opaque"},
			pruned: []string{"metadata.uid"},
		},
		{
			name:   "a field only the normalised form sets",
			t:      normalisedSecret(t),
			live:   map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "db", "namespace": "default"}, "type": "Opaque", "data": map[string]any{"password": "aHVudGVyMg=="}},
			pruned: []string{},
		},
		{
			name: "namespace: its spec",
			t:    target(t, d, "", "Namespace", "", "team-a"),
			live: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "team-a", "labels": map[string]any{"team": "a"}},
				"spec": map[string]any{"finalizers": []any{"kubernetes"}}, "status": map[string]any{"phase": "Active"}},
			pruned: []string{"status"},
		},
		{
			name: "metadata not an object",
			t:    target(t, d, "", "ConfigMap", "default", "settings"),
			live: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": "odd", "data": map[string]any{"color": 1.5}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.live)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := decodeObject(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			pruned, err := decodeObject(raw, tt.t)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.t.Compare(whole), tt.t.Compare(pruned)); diff != "" {
				t.Errorf("Compare differs (-whole +pruned):\n%s", diff)
			}
			for _, p := range tt.pruned {
				if _, ok := lookupPath(pruned, p); ok {
					t.Errorf("pruned decode kept %s", p)
				}
			}
		})
	}
}

func FuzzDecodeObject(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	live, err := os.ReadFile("testdata/bench/live.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(live)
	tg := target(f, compileDir(f, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend")
	f.Fuzz(func(t *testing.T, raw []byte) {
		sameAsUtilJSON(t, raw)
		whole, err := decodeObject(raw, nil)
		if err != nil {
			return
		}
		pruned, err := decodeObject(raw, tg)
		if err != nil {
			t.Fatalf("pruned decode fails where the whole one does not: %v", err)
		}
		if diff := cmp.Diff(tg.Compare(whole), tg.Compare(pruned)); diff != "" {
			t.Fatalf("Compare differs (-whole +pruned):\n%s", diff)
		}
	})
}

// normalisedSecret is a Secret whose normalised form (Want) sets a field Git does not: the
// pruned decode must keep what Compare reads, Want's fields, not Git's.
func normalisedSecret(t *testing.T) *check.Target {
	t.Helper()
	set, err := manifest.LoadFS(fstest.MapFS{"secret.yaml": &fstest.MapFile{Data: []byte(`apiVersion: v1
kind: Secret
metadata: {name: db, namespace: default}
data: {password: aHVudGVyMg==}
`)}}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Normalizer: typedSecrets{}}.Compile(set, testRevision)
	if err != nil {
		t.Fatal(err)
	}
	return target(t, d, "", "Secret", "default", "db")
}

// typedSecrets normalises an object as sent, but for a Secret's type, which it sets to Opaque
// where Git leaves it out.
type typedSecrets struct{}

func (typedSecrets) Normalize(obj *unstructured.Unstructured) (normalize.Result, error) {
	out := obj.DeepCopy().Object
	if _, ok := out["type"]; !ok && obj.GetKind() == "Secret" {
		out["type"] = "Opaque"
	}
	return normalize.Result{Object: out}, nil
}

func target(t testing.TB, d *check.Desired, group, kind, ns, name string) *check.Target {
	t.Helper()
	tg, ok := d.Lookup(manifest.Key{Group: group, Kind: kind, Namespace: ns, Name: name})
	if !ok {
		t.Fatalf("no %s %s/%s in the desired state", kind, ns, name)
	}
	return tg
}

func benchLive(t testing.TB) map[string]any {
	t.Helper()
	data, err := os.ReadFile("testdata/bench/live.json")
	if err != nil {
		t.Fatal(err)
	}
	var live map[string]any
	if err := utiljson.Unmarshal(data, &live); err != nil {
		t.Fatal(err)
	}
	return live
}

// lookupPath returns the value at a dotted path of plain field names.
func lookupPath(obj map[string]any, path string) (any, bool) {
	var v any = obj
	for start := 0; ; {
		end := start
		for end < len(path) && path[end] != '.' {
			end++
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[path[start:end]]; !ok {
			return nil, false
		}
		if end == len(path) {
			return v, true
		}
		start = end + 1
	}
}

// TestDecodePrunedComparesEdits checks pruning as TestDecodePrunedCompares does, over the
// edits of the introduced-drift tests and pairs of them, with the keys of every object in
// ascending and in descending order (a list item's keys then come before or after its other
// fields), decoding each in the same request memory, reused.
func TestDecodePrunedComparesEdits(t *testing.T) {
	lean := compileDir(t, "testdata/lean")
	tests := []struct {
		name  string
		t     *check.Target
		base  map[string]any
		edits []edit
	}{
		{"bench deployment", target(t, compileDir(t, "testdata/bench/desired"), "apps", "Deployment", "shop", "frontend"), benchLive(t), benchEdits},
		{"every kind of list", target(t, lean, "apps", "Deployment", "lean", "workload"), gitObject(t, lean, "apps", "Deployment", "lean", "workload"), leanEdits},
	}
	m := newRequestMemory()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, a := range tt.edits {
				for _, b := range append([]edit{{name: "nothing", apply: func(map[string]any, *diff.Schema) error { return nil }}}, tt.edits...) {
					c, err := copyJSON(tt.base)
					if err != nil {
						t.Fatal(err)
					}
					obj := c.(map[string]any)
					if a.apply(obj, tt.t.Schema) != nil || b.apply(obj, tt.t.Schema) != nil {
						continue
					}
					for _, descending := range []bool{false, true} {
						raw := orderedJSON(t, obj, descending)
						whole, err := decodeObject(raw, nil)
						if err != nil {
							t.Fatal(err)
						}
						m.want = tt.t.Want() // as evaluate sets it
						pruned, _, err := m.decodeFor(raw, objectName, tt.t)
						if err != nil {
							t.Fatal(err)
						}
						if diff := cmp.Diff(tt.t.CompareRequest(whole), tt.t.CompareRequest(pruned)); diff != "" {
							t.Errorf("%s, %s (descending keys %v): Compare differs (-whole +pruned):\n%s", a.name, b.name, descending, diff)
						}
						m.arena.reset()
					}
				}
			}
		})
	}
}

// orderedJSON writes v as JSON with the keys of each object in ascending or descending order.
func orderedJSON(t testing.TB, v any, descending bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var write func(v any)
	write = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := slices.Sorted(maps.Keys(x))
			if descending {
				slices.Reverse(keys)
			}
			b.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(',')
				}
				kb, _ := json.Marshal(k)
				b.Write(kb)
				b.WriteByte(':')
				write(x[k])
			}
			b.WriteByte('}')
		case []any:
			b.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					b.WriteByte(',')
				}
				write(e)
			}
			b.WriteByte(']')
		default:
			vb, err := json.Marshal(x)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(vb)
		}
	}
	write(v)
	return b.Bytes()
}
