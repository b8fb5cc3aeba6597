package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// deploymentSchema is a hand-built slice of the apps/v1 Deployment schema: containers map by
// name, ports by containerPort and protocol (protocol defaults to TCP), env by name, volumes
// by name, metadata.finalizers is a set, tolerations are atomic, and resource limits and
// requests are quantities.
func deploymentSchema() *Schema {
	quantities := &Schema{Elem: &Schema{Quantity: true}}
	container := &Schema{Fields: map[string]*Schema{
		"args":    {ListType: ListAtomic},
		"command": {ListType: ListAtomic},
		"env":     {ListType: ListMap, Keys: []string{"name"}, Elem: &Schema{}},
		"ports": {
			ListType:    ListMap,
			Keys:        []string{"containerPort", "protocol"},
			KeyDefaults: map[string]any{"protocol": "TCP"},
			Elem:        &Schema{},
		},
		"resources":    {Fields: map[string]*Schema{"limits": quantities, "requests": quantities}},
		"volumeMounts": {ListType: ListMap, Keys: []string{"mountPath"}, Elem: &Schema{}},
	}}
	podSpec := &Schema{Fields: map[string]*Schema{
		"containers":     {ListType: ListMap, Keys: []string{"name"}, Elem: container},
		"initContainers": {ListType: ListMap, Keys: []string{"name"}, Elem: container},
		"volumes":        {ListType: ListMap, Keys: []string{"name"}, Elem: &Schema{}},
		"tolerations":    {ListType: ListAtomic, Elem: &Schema{}},
	}}
	meta := &Schema{Fields: map[string]*Schema{
		"labels":      {Elem: &Schema{}},
		"annotations": {Elem: &Schema{}},
		"finalizers":  {ListType: ListSet, Elem: &Schema{}},
	}}
	return &Schema{Fields: map[string]*Schema{
		"metadata": meta,
		"spec": {Fields: map[string]*Schema{
			"template": {Fields: map[string]*Schema{"metadata": meta, "spec": podSpec}},
		}},
	}}
}

// serviceSchema is a slice of the v1 Service schema: ports map by port and protocol.
func serviceSchema() *Schema {
	return &Schema{Fields: map[string]*Schema{
		"spec": {Fields: map[string]*Schema{
			"ports": {
				ListType:    ListMap,
				Keys:        []string{"port", "protocol"},
				KeyDefaults: map[string]any{"protocol": "TCP"},
				Elem:        &Schema{},
			},
		}},
	}}
}

// loadObject reads testdata/name. Whole numbers become int64 when ints is set, as in objects
// read from the API server; otherwise they stay float64, as encoding/json leaves them.
func loadObject(tb testing.TB, name string, ints bool) map[string]any {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		tb.Fatalf("decode %s: %v", name, err)
	}
	return convertNumbers(obj, ints).(map[string]any)
}

func convertNumbers(v any, ints bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = convertNumbers(e, ints)
		}
	case []any:
		for i, e := range x {
			x[i] = convertNumbers(e, ints)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil && ints {
			return i
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

func mustPath(tb testing.TB, s string) Path {
	tb.Helper()
	p, err := ParsePath(s)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// mustSet sets the value at path s in obj, following schema.
func mustSet(tb testing.TB, obj map[string]any, s string, schema *Schema, v any) {
	tb.Helper()
	if err := Set(obj, mustPath(tb, s), schema, v); err != nil {
		tb.Fatal(err)
	}
}

// mustGet returns the value at path s in obj.
func mustGet(tb testing.TB, obj map[string]any, s string, schema *Schema) any {
	tb.Helper()
	v, ok := Get(obj, mustPath(tb, s), schema)
	if !ok {
		tb.Fatalf("no value at %s", s)
	}
	return v
}

// container returns the path of a container of the test Deployment.
func container(name string) string {
	return "spec.template.spec.containers[name=" + name + "]"
}

// mustDelete removes the value at path s from obj: a map key, or a list item.
func mustDelete(tb testing.TB, obj map[string]any, s string, schema *Schema) {
	tb.Helper()
	p := mustPath(tb, s)
	if _, ok := Get(obj, p, schema); !ok {
		tb.Fatalf("no value at %s", s)
	}
	Delete(obj, p, schema)
}

// unsafeData returns the address of s's bytes: two equal strings share them when it is equal.
func unsafeData(s string) *byte { return unsafe.StringData(s) }
