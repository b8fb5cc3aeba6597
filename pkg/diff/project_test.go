package diff

import (
	"encoding/json"
	"testing"

	"reflect"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/runtime"
)

// leafPaths calls add with every leaf of live (a scalar, an empty map or list), its list items
// named as Compare names them, and, under a set list of the schema, with each item: the paths
// a managedFields entry that owns everything would hold.
func leafPaths(v any, s *Schema, p Path, add func(p Path, item any, isItem bool)) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && len(p) > 0 {
			add(p, nil, false)
		}
		for k, e := range x {
			leafPaths(e, s.Field(k), append(p[:len(p):len(p)], field(k)), add)
		}
	case []any:
		if len(x) == 0 || s != nil && s.ListType == ListSet {
			add(p, nil, false)
		}
		for j, e := range x {
			if s != nil && s.ListType == ListSet {
				add(p, e, true)
				continue
			}
			leafPaths(e, s.Item(), append(p[:len(p):len(p)], ItemSegment(x, j, s)), add)
		}
	default:
		add(p, nil, false)
	}
}

// pathSetOf returns a set of every leaf of live, or of every other one when sparse.
func pathSetOf(live map[string]any, s *Schema, sparse bool) (*PathSet, []Path) {
	set := &PathSet{}
	var paths []Path
	leafPaths(live, s, nil, func(p Path, item any, isItem bool) {
		id := len(paths)
		paths = append(paths, p)
		if sparse && id%2 == 1 {
			return
		}
		if isItem {
			set.AddItem(p, item, id)
		} else {
			set.Add(p, id)
		}
	})
	return set, paths
}

// checkProjection fails t when Compare or CompareExtra of desired answer otherwise on
// Project(desired, live), resolved (Resolve), than on live, with the schema s and set: same fields, same extras
// (path, ids, items, desired), and under each extra the same live values on the way to each
// of its paths (a map with arbitrary keys that Project keeps in part is a map in both).
func checkProjection(t *testing.T, desired, live map[string]any, s *Schema, set *PathSet, paths []Path) {
	t.Helper()
	before := copyValue(desired)
	projected := Resolve(Project(desired, live, s, set), desired)
	if diff := cmp.Diff(before, any(desired)); diff != "" {
		t.Fatalf("Project changed desired (-before +after):\n%s", diff)
	}
	if again := Resolve(Project(desired, projected, s, set), desired); !cmp.Equal(projected, again) {
		t.Fatalf("projecting the resolved copy again gives another copy:\n%s", cmp.Diff(projected, again))
	}
	opts := Options{Schema: s}
	if diff := cmp.Diff(Compare(desired, live, opts), Compare(desired, projected, opts)); diff != "" {
		t.Fatalf("Compare (-live +projected):\n%s", diff)
	}
	want, wantExtras := CompareExtra(desired, live, opts, set)
	got, gotExtras := CompareExtra(desired, projected, opts, set)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("CompareExtra fields (-live +projected):\n%s", diff)
	}
	if len(wantExtras) != len(gotExtras) {
		t.Fatalf("CompareExtra found %d extras on live, %d on the projection", len(wantExtras), len(gotExtras))
	}
	for i, w := range wantExtras {
		g := gotExtras[i]
		if diff := cmp.Diff(w, g, cmpIgnoreLive(), cmpopts.IgnoreUnexported(Extra{})); diff != "" {
			t.Fatalf("extra %d (-live +projected):\n%s", i, diff)
		}
		if w.Items {
			if diff := cmp.Diff(w.Live, g.Live); diff != "" {
				t.Fatalf("extra %s: live list (-live +projected):\n%s", w.Path, diff)
			}
			continue
		}
		for _, id := range w.IDs {
			p := paths[id]
			for depth := len(w.Path); depth <= len(p); depth++ {
				wv, wok := Get(w.Live, p[len(w.Path):depth], s.At(w.Path))
				gv, gok := Get(g.Live, p[len(w.Path):depth], s.At(w.Path))
				if !w.InLive {
					wok = false
				}
				if !g.InLive {
					gok = false
				}
				_, wmap := wv.(map[string]any)
				_, gmap := gv.(map[string]any)
				if depth == len(w.Path) && wmap && gmap {
					continue // kept in part when the map has arbitrary keys
				}
				if wok != gok || !cmp.Equal(wv, gv) {
					t.Fatalf("extra %s: at %s: live %v (%v), projected %v (%v)", w.Path, p[:depth], wv, wok, gv, gok)
				}
			}
		}
	}
}

func cmpIgnoreLive() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Live" }, cmp.Ignore())
}

// TestProjectDeployment checks Project on the testdata Deployment (server defaults, status,
// an injected sidecar, reordered lists), as it is and drifted, with every path of live in the
// set, every other one, and none.
func TestProjectDeployment(t *testing.T) {
	schema := deploymentSchema()
	frontend := container("frontend")
	tests := []struct {
		name   string
		mutate func(t *testing.T, d, l map[string]any)
	}{
		{name: "in sync"},
		{name: "drifted", mutate: func(t *testing.T, d, l map[string]any) {
			mustSet(t, l, frontend+".image", schema, "shop/frontend:1.4.1")
			mustSet(t, l, frontend+".env[name=LOG_FORMAT].value", schema, "text")
			mustSet(t, l, "metadata.finalizers", schema, []any{"x"})
			mustDelete(t, l, container("auth-proxy"), schema)
		}},
		{name: "duplicate keys in live", mutate: func(t *testing.T, d, l map[string]any) {
			env := mustGet(t, l, frontend+".env", schema).([]any)
			mustSet(t, l, frontend+".env", schema, append(env, map[string]any{"name": "LOG_FORMAT", "value": "again"}))
		}},
		{name: "ordered list out of order", mutate: func(t *testing.T, d, l map[string]any) {
			schema.Fields["spec"].Fields["template"].Fields["spec"].Fields["containers"].Ordered = true
		}},
		{name: "desired without a list live has", mutate: func(t *testing.T, d, l map[string]any) {
			mustDelete(t, d, frontend+".env", schema)
		}},
		{name: "values of another type", mutate: func(t *testing.T, d, l map[string]any) {
			mustSet(t, l, frontend+".resources", schema, "none")
			mustSet(t, l, "spec.template.metadata.labels", schema, []any{"a"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema = deploymentSchema()
			desired := loadObject(t, "deployment.desired.json", false)
			live := loadObject(t, "deployment.live.json", true)
			if tt.mutate != nil {
				tt.mutate(t, desired, live)
			}
			for _, sparse := range []bool{false, true} {
				set, paths := pathSetOf(live, schema, sparse)
				checkProjection(t, desired, live, schema, set, paths)
			}
			checkProjection(t, desired, live, schema, nil, nil)
			checkProjection(t, desired, live, nil, nil, nil)
		})
	}
}

// TestProjectKeeps checks what Project keeps of a live object: no status, the fields desired
// sets, every item of a keyed list at its place (the items desired has not, as their keys),
// set lists whole, the Secret data keys desired sets, and the values of the set where desired
// stops.
func TestProjectKeeps(t *testing.T) {
	schema := deploymentSchema()
	atomic := &Schema{Fields: map[string]*Schema{
		"sel":      {Atomic: true},
		"selector": {Atomic: true, Fields: map[string]*Schema{"matchLabels": {}}},
	}}
	tests := []struct {
		name          string
		schema        *Schema // deploymentSchema when nil
		desired, live string
		paths         []string
		want          string
	}{
		{
			name:    "status, metadata the server owns, fields desired lacks: gone",
			desired: `{"kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}`,
			live:    `{"kind":"Deployment","metadata":{"name":"web","uid":"u","managedFields":[{}]},"spec":{"replicas":3,"paused":false},"status":{"replicas":3}}`,
			want:    `{"kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3}}`,
		},
		{
			name:    "a keyed list: desired's items projected, the others as their keys, at their place",
			desired: `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"a"}]}}}}`,
			live:    `{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"p","args":["x"]},{"name":"app","image":"b","args":["y"]}]}}}}`,
			want:    `{"spec":{"template":{"spec":{"containers":[{"name":"proxy"},{"name":"app","image":"b"}]}}}}`,
		},
		{
			name:    "live items whose keys a desired item repeats: whole",
			desired: `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}}}}`,
			live:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1","x":1},{"name":"A","value":"2","x":2}]}]}}}}`,
			want:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","value":"1","x":1},{"name":"A","value":"2","x":2}]}]}}}}`,
		},
		{
			name:    "a set list and an atomic list: whole",
			desired: `{"metadata":{"finalizers":["a"]},"spec":{"template":{"spec":{"tolerations":[{"key":"k"}]}}}}`,
			live:    `{"metadata":{"finalizers":["a","b"]},"spec":{"template":{"spec":{"tolerations":[{"key":"k","effect":"e"},{"key":"l"}]}}}}`,
			want:    `{"metadata":{"finalizers":["a","b"]},"spec":{"template":{"spec":{"tolerations":[{"key":"k"},{"key":"l"}]}}}}`,
		},
		{
			name:    "a Secret: the data keys desired sets",
			desired: `{"apiVersion":"v1","kind":"Secret","data":{"a":"YQ=="}}`,
			live:    `{"apiVersion":"v1","kind":"Secret","data":{"a":"Yg==","b":"Yg=="},"type":"Opaque"}`,
			want:    `{"apiVersion":"v1","kind":"Secret","data":{"a":"Yg=="}}`,
		},
		{
			name:    "where desired stops: the value of the set whole; of a map with arbitrary keys, the keys of the set",
			desired: `{"metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}}`,
			live:    `{"metadata":{"name":"web","labels":{"owner":"me","other":"x"}},"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"cpu":1},"requests":{"cpu":1}}},{"name":"proxy","image":"p"}]}}}}`,
			paths:   []string{"metadata.labels.owner", container("app") + ".resources.limits.cpu", container("proxy") + ".image"},
			want:    `{"metadata":{"name":"web","labels":{"owner":"me"}},"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"cpu":1},"requests":{"cpu":1}}},{"name":"proxy","image":"p"}]}}}}`,
		},
		{
			name:    "a null on either side: not kept",
			desired: `{"metadata":{"name":"web","labels":{"a":null}},"spec":{"replicas":2,"paused":true}}`,
			live:    `{"metadata":{"name":"web","labels":{"a":"x"}},"spec":{"replicas":null,"paused":true}}`,
			want:    `{"metadata":{"name":"web","labels":{}},"spec":{"paused":true}}`,
		},
		{
			name:    "server metadata desired sets: gone; fields of the same names elsewhere: kept",
			desired: `{"metadata":{"name":"web","uid":"u","generation":3},"spec":{"uid":"s","template":{"metadata":{"generation":4}}}}`,
			live:    `{"metadata":{"name":"web","uid":"u","generation":3},"spec":{"uid":"s","template":{"metadata":{"generation":4}}}}`,
			want:    `{"metadata":{"name":"web"},"spec":{"uid":"s","template":{"metadata":{"generation":4}}}}`,
		},
		{
			name:    "data of another kind than a Secret: projected like any map",
			desired: `{"kind":"Thing","data":{"x":{"a":1}},"spec":{"data":{"x":{"a":1}}}}`,
			live:    `{"kind":"Thing","data":{"x":{"a":1,"b":2},"y":"z"},"spec":{"data":{"x":{"a":1,"b":2}}}}`,
			want:    `{"kind":"Thing","data":{"x":{"a":1}},"spec":{"data":{"x":{"a":1}}}}`,
		},
		{
			name:    "a Secret: the data keys desired sets, null ones too, and its other fields",
			desired: `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","labels":{"a":"1"}},"type":"Opaque","immutable":true,"data":{"a":null,"b":"YQ=="}}`,
			live:    `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","labels":{"a":"1","b":"2"}},"type":"Opaque","immutable":true,"data":{"a":"Yg==","b":"Yg==","c":"Yg=="}}`,
			want:    `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","labels":{"a":"1"}},"type":"Opaque","immutable":true,"data":{"a":"Yg==","b":"Yg=="}}`,
		},
		{
			name:    "an atomic map, and a map inside an atomic struct: whole",
			schema:  atomic,
			desired: `{"sel":{"disk":"ssd"},"selector":{"matchLabels":{"app":"x"}}}`,
			live:    `{"sel":{"disk":"ssd","zone":"a"},"selector":{"matchLabels":{"app":"x","tier":"db"},"matchExpressions":[]}}`,
			want:    `{"sel":{"disk":"ssd","zone":"a"},"selector":{"matchLabels":{"app":"x","tier":"db"}}}`,
		},
		{
			name:    "live items whose keys the second desired item repeats: whole",
			desired: `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A"},{"name":"B","value":"1"}]}]}}}}`,
			live:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A","x":0},{"name":"B","value":"1","x":1},{"name":"B","value":"2","x":2}]}]}}}}`,
			want:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"A"},{"name":"B","value":"1","x":1},{"name":"B","value":"2","x":2}]}]}}}}`,
		},
		{
			name:    "a live item no desired item matches: its keys that are not null",
			desired: `{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}]}}}}`,
			live:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":81,"protocol":null,"name":"x"},{"containerPort":80,"protocol":"TCP"}]}]}}}}`,
			want:    `{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":81},{"containerPort":80}]}]}}}}`,
		},
		{
			name:    "where desired stops at a null in live: the null",
			desired: `{"metadata":{"name":"web"}}`,
			live:    `{"metadata":{"name":"web","labels":null}}`,
			paths:   []string{"metadata.labels.owner"},
			want:    `{"metadata":{"name":"web","labels":null}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schema := schema
			if tt.schema != nil {
				schema = tt.schema
			}
			desired, live, want := jsonObject(t, tt.desired), jsonObject(t, tt.live), jsonObject(t, tt.want)
			var set *PathSet
			if tt.paths != nil {
				set = &PathSet{}
				for i, p := range tt.paths {
					set.Add(mustPath(t, p), i)
				}
			}
			got := Resolve(Project(desired, live, schema, set), desired)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Project (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(jsonObject(t, tt.live), live); diff != "" {
				t.Errorf("live changed (-before +after):\n%s", diff)
			}
		})
	}
}

func jsonObject(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// FuzzProject checks Project against Compare and CompareExtra on any desired and live objects,
// with the test Deployment's schema and none, and with every leaf of live, every other one,
// or none in the set.
func FuzzProject(f *testing.F) {
	f.Add(`{"a":1,"l":[{"name":"x"}]}`, `{"a":1.0,"l":[{"name":"y"},{"name":"x","b":2}]}`)
	f.Add(`{"apiVersion":"v1","kind":"Secret","data":{"k":"YQ=="}}`, `{"data":{"k":"Yg==","j":"Yg=="}}`)
	f.Add(`{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}],"env":[{"name":"E"}]}]}}}}`,
		`{"spec":{"template":{"spec":{"containers":[{"name":"b"},{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"},{"containerPort":80}],"env":[{"name":"E"},{"name":"E","value":"x"}],"securityContext":{"privileged":true}}]}}}}`)
	f.Add(`{"metadata":{"finalizers":["a","b"],"labels":{"a":"b"}},"status":{}}`, `{"metadata":{"finalizers":["c","a"],"labels":{"a":"b","c":{"d":1}}},"status":{"x":1}}`)
	f.Add(`{"spec":{"template":{"spec":{"tolerations":[{"key":"a"},null]}}}}`, `{"spec":{"template":{"spec":{"tolerations":[{"key":"a","v":1},{"k":2},{"key":"c"}]}}}}`)
	schema := deploymentSchema()
	f.Fuzz(func(t *testing.T, a, b string) {
		var desired, live map[string]any
		if json.Unmarshal([]byte(a), &desired) != nil || json.Unmarshal([]byte(b), &live) != nil || live == nil {
			return
		}
		for _, s := range []*Schema{schema, nil} {
			for _, sparse := range []bool{false, true} {
				set, paths := pathSetOf(live, s, sparse)
				checkProjection(t, desired, live, s, set, paths)
			}
			checkProjection(t, desired, live, s, nil, nil)
		}
	})
}

// TestProjectSecretOtherFields checks that a Secret's fields other than its data are kept
// whichever comes first: Go visits a map's keys in a random order, so Project runs many times.
func TestProjectSecretOtherFields(t *testing.T) {
	desired := jsonObject(t, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","immutable":true,"data":{"a":"eA=="}}`)
	live := jsonObject(t, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","immutable":true,"data":{"a":"eA=="}}`)
	want := jsonObject(t, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","immutable":true,"data":{"a":"eA=="}}`)
	for range 64 {
		if diff := cmp.Diff(want, Resolve(Project(desired, live, nil, nil), desired)); diff != "" {
			t.Fatalf("Project (-want +got):\n%s", diff)
		}
	}
}

// TestProjectSetListItems checks what Project keeps for the items of a set list in the set:
// the live list whole, and nothing when live has no list (no null in its place).
func TestProjectSetListItems(t *testing.T) {
	schema := deploymentSchema()
	tests := []struct {
		name, live, want string
	}{
		{name: "live has the list", live: `{"metadata":{"name":"web","finalizers":["a","b"]}}`, want: `{"metadata":{"name":"web","finalizers":["a","b"]}}`},
		{name: "live lacks the list", live: `{"metadata":{"name":"web"}}`, want: `{"metadata":{"name":"web"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := &PathSet{}
			set.AddItem(mustPath(t, "metadata.finalizers"), "b", 0)
			desired := jsonObject(t, `{"metadata":{"name":"web","finalizers":["a"]}}`)
			got := Resolve(Project(desired, jsonObject(t, tt.live), schema, set), desired)
			if diff := cmp.Diff(jsonObject(t, tt.want), got); diff != "" {
				t.Errorf("Project (-want +got):\n%s", diff)
			}
		})
	}
}

// TestProjectShares checks that a projection holds desired's own parts wherever live equals
// them, and copies elsewhere: the parts of an object in sync are Git's trees, not copies of
// them, while its root and its metadata, where the caller adds identity, are its own.
func TestProjectShares(t *testing.T) {
	schema := deploymentSchema()
	frontend := container("frontend")
	tests := []struct {
		name   string
		mutate func(t *testing.T, l map[string]any)
		shared []string // parts of the projection that are desired's own
		own    []string // parts of the projection that are its own
	}{
		{
			name: "in sync",
			shared: []string{container("auth-proxy") + ".ports", "spec.selector", "metadata.labels",
				"spec.template.metadata.labels", frontend + ".image", frontend + `.env[name=LOG_FORMAT]`,
				frontend + ".ports[containerPort=8080]", frontend + ".resources.requests"},
			// live has an injected sidecar, reorders the frontend's env and spells a quantity
			// otherwise (Git's 0.5 against the server's 500m): not desired's.
			own: []string{"spec.template.spec.containers", frontend, frontend + ".env",
				frontend + ".resources", container("auth-proxy"), "metadata", ""},
		},
		{
			name: "drifted image",
			mutate: func(t *testing.T, l map[string]any) {
				mustSet(t, l, frontend+".image", schema, "shop/frontend:1.4.1")
			},
			shared: []string{frontend + ".env[name=CACHE_URL]", frontend + ".args", container("auth-proxy") + ".ports"},
			own:    []string{frontend, frontend + ".image"},
		},
		{
			name: "a label changed",
			mutate: func(t *testing.T, l map[string]any) {
				mustSet(t, l, "metadata.labels.env", schema, "dev")
			},
			shared: []string{`metadata.labels["app.kubernetes.io/name"]`, "spec.selector", container("auth-proxy") + ".ports"},
			own:    []string{"metadata.labels"},
		},
	}
	pointer := func(v any) uintptr {
		switch v.(type) {
		case map[string]any, []any:
			return reflect.ValueOf(v).Pointer()
		}
		return 0
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			desired := loadObject(t, "deployment.desired.json", true)
			live := loadObject(t, "deployment.live.json", true)
			if tt.mutate != nil {
				tt.mutate(t, live)
			}
			p := Resolve(Project(desired, live, schema, nil), desired) // as Compare reads it
			get := func(obj map[string]any, path string) any {
				if path == "" {
					return obj
				}
				return mustGet(t, obj, path, schema)
			}
			for _, path := range tt.shared {
				pv, dv := get(p, path), get(desired, path)
				if s, ok := pv.(string); ok {
					// a string is shared when its bytes are
					if ds, _ := dv.(string); s != ds || len(s) > 0 && unsafeData(s) != unsafeData(ds) {
						t.Errorf("%s: projection holds a copy of desired's string", path)
					}
					continue
				}
				if pointer(pv) == 0 || pointer(pv) != pointer(dv) {
					t.Errorf("%s: projection holds a copy of desired's part, want desired's own", path)
				}
			}
			for _, path := range tt.own {
				pv, dv := get(p, path), get(desired, path)
				if s, ok := pv.(string); ok {
					if ds, _ := dv.(string); len(s) > 0 && unsafeData(s) == unsafeData(ds) {
						t.Errorf("%s: projection holds desired's string", path)
					}
					continue
				}
				if pointer(pv) == pointer(dv) {
					t.Errorf("%s: projection holds desired's own part, want a copy", path)
				}
			}
		})
	}
}

// TestProjectMarks checks that Project marks what equals desired, and holds none of
// desired's maps or lists: an object in sync projects to marks under its identity.
func TestProjectMarks(t *testing.T) {
	desired := jsonObject(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"app":"a"}},
		"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"i:1"},{"name":"log","image":"l"}]}}}}`)
	live := jsonObject(t, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"app":"a"},"uid":"u"},
		"spec":{"replicas":2,"strategy":{"type":"RollingUpdate"},"template":{"spec":{"containers":[{"name":"log","image":"l"},{"name":"app","image":"i:2"}]}}}}`)
	s := deploymentSchema()
	got := Project(desired, live, s, nil)
	if labels := got["metadata"].(map[string]any)["labels"]; !isSame(labels) {
		t.Errorf("metadata.labels = %#v, want the mark of desired's", labels)
	}
	containers := got["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)
	if i, ok := sameItemIndex(containers[0]); !ok || i != 1 {
		t.Errorf("containers[0] (log, equal to desired's item 1) = %#v, want the mark of item 1", containers[0])
	}
	if app, ok := containers[1].(map[string]any); !ok || app["image"] != "i:2" {
		t.Errorf("containers[1] (app, drifted) = %#v, want the live item's projection", containers[1])
	}
	checkProjection(t, desired, live, s, nil, nil)
	if inSync := Project(desired, desired, s, nil); !isSame(inSync["spec"]) {
		t.Errorf("an object equal to desired: spec = %#v, want the mark of desired's", inSync["spec"])
	}
	if diff := cmp.Diff(got, runtime.DeepCopyJSON(got)); diff != "" {
		t.Errorf("a marked copy, deep-copied as a cache may (-copy +DeepCopyJSON):\n%s", diff)
	}
}
