package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGet(t *testing.T) {
	schema := deploymentSchema()
	live := loadObject(t, "deployment.live.json", true)
	tests := []struct {
		path   string
		want   any
		wantOK bool
	}{
		{path: "metadata.name", want: "frontend", wantOK: true},
		{path: `metadata.annotations["deployment.kubernetes.io/revision"]`, want: "4", wantOK: true},
		{path: container("frontend") + ".image", want: "shop/frontend:1.4.2", wantOK: true},
		{path: container("frontend") + ".ports[containerPort=9090,protocol=TCP].name", want: "metrics", wantOK: true},
		{path: container("frontend") + ".ports[containerPort=9090].name", want: "metrics", wantOK: true},
		{path: container("frontend") + ".ports[containerPort=9090,protocol=UDP].name"},
		{path: container("frontend") + ".env[name=LOG_FORMAT].value", want: "json", wantOK: true},
		{path: "spec.template.spec.containers[0].name", want: "istio-proxy", wantOK: true},
		{path: "spec.template.spec.containers[9].name"},
		{path: "spec.template.spec.containers[*].name"},
		{path: container("nope") + ".image"},
		{path: "metadata.name.first"},
		{path: "metadata[0]"},
		{path: "spec.nope"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := Get(live, mustPath(t, tt.path), schema)
			if ok != tt.wantOK {
				t.Fatalf("Get() ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Get() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetDefaultKey checks that a desired item that omits a defaulted key is found by it.
func TestGetDefaultKey(t *testing.T) {
	desired := loadObject(t, "deployment.desired.json", true)
	got := mustGet(t, desired, container("auth-proxy")+".ports[containerPort=4180,protocol=TCP].containerPort", deploymentSchema())
	if got != int64(4180) {
		t.Errorf("Get() = %v, want 4180", got)
	}
}

func TestSet(t *testing.T) {
	schema := serviceSchema()
	tests := []struct {
		name string
		obj  map[string]any
		path string
		v    any
		want map[string]any
	}{
		{
			name: "creates maps",
			obj:  map[string]any{},
			path: `metadata.labels["app.kubernetes.io/name"]`, v: "x",
			want: item("metadata", item("labels", item("app.kubernetes.io/name", "x"))),
		},
		{
			name: "replaces a value",
			obj:  item("spec", item("type", "ClusterIP")),
			path: "spec.type", v: "NodePort",
			want: item("spec", item("type", "NodePort")),
		},
		{
			name: "field of an existing keyed item, matched through the key default",
			obj:  item("spec", item("ports", []any{item("port", int64(53), "protocol", "UDP"), item("port", int64(80))})),
			path: "spec.ports[port=80,protocol=TCP].targetPort", v: int64(8080),
			want: item("spec", item("ports", []any{
				item("port", int64(53), "protocol", "UDP"), item("port", int64(80), "targetPort", int64(8080)),
			})),
		},
		{
			name: "appends a keyed item with its keys",
			obj:  item("spec", item("ports", []any{item("port", int64(53))})),
			path: "spec.ports[port=443,protocol=TCP].name", v: "https",
			want: item("spec", item("ports", []any{
				item("port", int64(53)), item("port", int64(443), "protocol", "TCP", "name", "https"),
			})),
		},
		{
			name: "creates a list for a keyed item",
			obj:  map[string]any{},
			path: "spec.ports[port=80,protocol=TCP]", v: item("port", int64(80), "protocol", "TCP", "targetPort", "http"),
			want: item("spec", item("ports", []any{item("port", int64(80), "protocol", "TCP", "targetPort", "http")})),
		},
		{
			name: "replaces a positional item",
			obj:  item("l", []any{"a", "b"}),
			path: "l[1]", v: "c",
			want: item("l", []any{"a", "c"}),
		},
		{
			name: "appends past the end",
			obj:  item("l", []any{"a"}),
			path: "l[1]", v: "b",
			want: item("l", []any{"a", "b"}),
		},
		{
			name: "keyed values that are not numbers stay strings",
			obj:  map[string]any{},
			path: `c[name="007x",ok=true].v`, v: int64(1),
			want: item("c", []any{item("name", "007x", "ok", true, "v", int64(1))}),
		},
		{
			name: "only true and false become booleans",
			obj:  map[string]any{},
			path: `c[on=True,off=false,n=t].v`, v: int64(1),
			want: item("c", []any{item("on", "True", "off", false, "n", "t", "v", int64(1))}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Set(tt.obj, mustPath(t, tt.path), schema, tt.v); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.obj); diff != "" {
				t.Errorf("Set() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetKeylessSegment: a KeyedSegment without keys, which ParsePath and Compare never make,
// selects no item, rather than the first one.
func TestGetKeylessSegment(t *testing.T) {
	obj := item("l", []any{item("name", "a"), item("name", "b")})
	for _, p := range []Path{
		{field("l"), {Kind: KeyedSegment}},
		{field("l"), {Kind: KeyedSegment}, field("name")},
	} {
		if got, ok := Get(obj, p, nil); ok {
			t.Errorf("Get(%s) = %v, want nothing", p, got)
		}
	}
}

func TestSetErrors(t *testing.T) {
	tests := []struct {
		obj  map[string]any
		path Path
		want string
	}{
		{obj: nil, path: Path{field("a")}, want: `set "a": nil object`},
		{obj: map[string]any{}, path: nil, want: `set "": path must start with a field`},
		{obj: map[string]any{}, path: Path{{Kind: IndexSegment}}, want: `set "[0]": path must start with a field`},
		{obj: item("a", "s"), path: Path{field("a"), field("b")}, want: `set "a.b": "a" is a string, not a map`},
		{obj: item("a", "s"), path: Path{field("a"), {Kind: IndexSegment}}, want: `set "a[0]": "a" is a string, not a list`},
		{obj: item("a", []any{}), path: Path{field("a"), {Kind: IndexSegment, Index: 2}}, want: `set "a[2]": "a": index 2 out of range (length 0)`},
		{obj: item("a", []any{}), path: Path{field("a"), {Kind: WildcardSegment}}, want: `set "a[*]": "a": cannot set through a wildcard`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			err := Set(tt.obj, tt.path, nil, "v")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Set() error = %v, want %s", err, tt.want)
			}
		})
	}
}

// TestGetSetRemediation restores every drifted field of the drifted testdata Deployment into
// the live object with Get and Set, and checks that Compare then finds no drift.
func TestGetSetRemediation(t *testing.T) {
	schema := deploymentSchema()
	desired := loadObject(t, "deployment.desired.json", true)
	live := loadObject(t, "deployment-drifted.live.json", true)
	fields := Compare(desired, live, Options{Schema: schema})
	if len(fields) == 0 {
		t.Fatal("Compare() found no drift to remediate")
	}
	for _, f := range fields {
		v := mustGet(t, desired, f.Path, schema)
		mustSet(t, live, f.Path, schema, copyValue(v))
	}
	if got := Compare(desired, live, Options{Schema: schema}); got != nil {
		t.Errorf("Compare() after remediation = %v, want no drift", got)
	}
}

func TestDelete(t *testing.T) {
	object := func() map[string]any {
		return map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": "web", "app.kubernetes.io/name": "web"}},
			"spec": map[string]any{"replicas": int64(5), "template": map[string]any{"spec": map[string]any{
				"containers": []any{
					map[string]any{"name": "proxy"},
					map[string]any{"name": "web", "ports": []any{
						map[string]any{"containerPort": int64(80)},
						map[string]any{"containerPort": int64(81), "protocol": "UDP"},
					}},
				},
				"tolerations": []any{map[string]any{"key": "a"}, map[string]any{"key": "b"}},
			}}},
		}
	}
	tests := []struct {
		path string
		edit func(obj map[string]any) // what Delete must do, done by hand
	}{
		{"spec.replicas", func(o map[string]any) { delete(o["spec"].(map[string]any), "replicas") }},
		{`metadata.labels["app.kubernetes.io/name"]`, func(o map[string]any) {
			delete(o["metadata"].(map[string]any)["labels"].(map[string]any), "app.kubernetes.io/name")
		}},
		{container("proxy"), func(o map[string]any) {
			ps := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			ps["containers"] = ps["containers"].([]any)[1:]
		}},
		{container("web") + ".ports[containerPort=80,protocol=TCP]", func(o map[string]any) { // protocol defaulted
			c := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[1].(map[string]any)
			c["ports"] = c["ports"].([]any)[1:]
		}},
		{"spec.template.spec.tolerations[1]", func(o map[string]any) {
			ps := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
			ps["tolerations"] = ps["tolerations"].([]any)[:1]
		}},
		{"spec.nothing.here", func(map[string]any) {}},
		{"spec.template.spec.tolerations[*]", func(map[string]any) {}},
		{container("absent") + ".image", func(map[string]any) {}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, want := object(), object()
			Delete(got, mustPath(t, tt.path), deploymentSchema())
			tt.edit(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Delete(%s) (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

func TestItemSegment(t *testing.T) {
	ports := &Schema{ListType: ListMap, Keys: []string{"containerPort", "protocol"}, KeyDefaults: map[string]any{"protocol": "TCP"}}
	tests := []struct {
		name   string
		list   []any
		schema *Schema
		want   string
	}{
		{"list-map key default", []any{map[string]any{"containerPort": int64(80)}}, ports, "[containerPort=80,protocol=TCP]"},
		{"list-map null key takes its default", []any{map[string]any{"containerPort": int64(80), "protocol": nil}}, ports, "[containerPort=80,protocol=TCP]"},
		{"list-map item without keys", []any{map[string]any{"x": "y"}}, &Schema{ListType: ListMap, Keys: []string{"name"}}, "[0]"},
		{"unknown schema, all named", []any{map[string]any{"name": "a,b"}}, nil, `[name="a,b"]`},
		{"unknown schema, not all named", []any{map[string]any{"name": "a"}, map[string]any{"x": "y"}}, nil, "[0]"},
		{"atomic list", []any{map[string]any{"name": "a"}}, &Schema{ListType: ListAtomic}, "[0]"},
		{"scalars", []any{"a"}, nil, "[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Path{ItemSegment(tt.list, 0, tt.schema)}).String(); got != tt.want {
				t.Errorf("ItemSegment = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestPointer: the JSON pointer of a value names list items by the index Get finds them at,
// and escapes "/" and "~" in keys; a value that is not there has none.
func TestPointer(t *testing.T) {
	schema := deploymentSchema()
	live := loadObject(t, "deployment.live.json", true)
	tests := []struct {
		path string
		want string // "" when absent
	}{
		{path: "metadata.name", want: "/metadata/name"},
		{path: `metadata.annotations["deployment.kubernetes.io/revision"]`, want: "/metadata/annotations/deployment.kubernetes.io~1revision"},
		{path: "spec.template.spec.containers[0].name", want: "/spec/template/spec/containers/0/name"},
		{path: container("frontend") + ".ports[containerPort=9090].name"},
		{path: container("nope") + ".image"},
		{path: "spec.template.spec.containers[*].name"},
	}
	// The frontend container's index and its metrics port's, as they sit in live.
	containers := mustGet(t, live, "spec.template.spec.containers", schema).([]any)
	for i, c := range containers {
		if c.(map[string]any)["name"] != "frontend" {
			continue
		}
		for j, port := range c.(map[string]any)["ports"].([]any) {
			if port.(map[string]any)["containerPort"] == int64(9090) {
				tests[3].want = fmt.Sprintf("/spec/template/spec/containers/%d/ports/%d/name", i, j)
			}
		}
	}
	if tests[3].want == "" {
		t.Fatal("testdata has no frontend container with port 9090")
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, ok := Pointer(live, mustPath(t, tt.path), schema)
			if ok != (tt.want != "") {
				t.Fatalf("Pointer() ok = %v, want %v", ok, tt.want != "")
			}
			if ok && "/"+strings.Join(got, "/") != tt.want {
				t.Errorf("Pointer() = %q, want %q", "/"+strings.Join(got, "/"), tt.want)
			}
		})
	}
}

func TestNeverCompared(t *testing.T) {
	for path, want := range map[string]bool{
		"status.replicas":                     true,
		"metadata.managedFields":              true,
		"metadata.resourceVersion":            true,
		"metadata.deletionTimestamp":          true,
		"metadata.deletionGracePeriodSeconds": true,
		"metadata.labels.app":                 false,
		"spec.template.metadata.generation":   false,
		"spec.replicas":                       false,
		"metadata":                            false,
		"spec.resourceVersion":                false,
		"status":                              true,
	} {
		if got := NeverCompared(mustPath(t, path)); got != want {
			t.Errorf("NeverCompared(%s) = %v, want %v", path, got, want)
		}
	}
	if NeverCompared(nil) {
		t.Error("NeverCompared(empty path) = true, want false")
	}
	if IsLastApplied(mustPath(t, `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"].x`)) {
		t.Error("IsLastApplied is true below the annotation")
	}
	if !IsLastApplied(mustPath(t, `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`)) || IsLastApplied(mustPath(t, "metadata.annotations.note")) {
		t.Error("IsLastApplied does not tell kubectl's annotation from another")
	}
}
