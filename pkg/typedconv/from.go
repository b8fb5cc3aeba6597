package typedconv

import (
	"encoding/base64"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// fromPlan is the compiled conversion of unstructured values into one Go type.
type fromPlan struct {
	// from sets dv, a zero value of the plan's type, from v, a non-nil value as JSON decodes
	// it; false when it leaves that to the default converter.
	from func(v any, dv reflect.Value) bool
	// keys are a struct's: every key it knows (its inlined structs' included), and the fields
	// each sets. A key no field names is an unknown field.
	keys map[string][]fromField
}

// fromField is a field of a struct that a key sets.
type fromField struct {
	index []int     // the field's, through the inlined structs that hold it
	plan  *fromPlan // the plan of the field's type
}

// FromUnstructuredWithValidation sets obj, a non-nil pointer to the zero value of a struct,
// from u, as runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation does, with the
// same result. It converts what it knows directly when every value fits its field as is
// (no unknown field, no conversion between numbers that could lose anything); for anything
// else it sets obj back to its zero value and lets the default converter convert u and report
// what it finds.
func (c *Converter) FromUnstructuredWithValidation(u map[string]any, obj any, returnUnknownFields bool) error {
	v := reflect.ValueOf(obj)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().IsZero() {
		if p := c.fromPlanOf(v.Type().Elem()); p != nil && u != nil {
			if p.from(u, v.Elem()) {
				return nil
			}
			v.Elem().SetZero()
		}
	}
	return runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(u, obj, returnUnknownFields)
}

// fromPlanOf returns the plan of top-level struct type t, compiling it the first time; nil if
// the default converter converts it.
func (c *Converter) fromPlanOf(t reflect.Type) *fromPlan {
	return cached(&c.mu, &c.fromPlans, t, func() *fromPlan {
		b := fromBuilder{plans: map[reflect.Type]*fromPlan{}, ok: true}
		if p := b.planFor(t); b.ok {
			return p
		}
		return nil
	})
}

// fromBuilder compiles the plans of one top-level type and the types under it.
type fromBuilder struct {
	plans map[reflect.Type]*fromPlan
	// ok is false once a type is one the builder does not compile.
	ok bool
}

// planFor returns the plan of type t, in the order of apimachinery's fromUnstructured: simple
// kinds by assignment, then a type's own UnmarshalJSON, then maps, slices, pointers, structs.
func (b *fromBuilder) planFor(t reflect.Type) *fromPlan {
	if p, ok := b.plans[t]; ok {
		return p
	}
	p := &fromPlan{}
	b.plans[t] = p
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		p.from = scalarFrom(t.Kind())
		return p
	}
	if entry := value.TypeReflectEntryOf(t); entry.CanConvertFromUnstructured() {
		p.from = func(v any, dv reflect.Value) bool { return entry.FromUnstructured(reflect.ValueOf(v), dv) == nil }
		switch t {
		case quantityType:
			p.from = quantityFrom(p.from)
		case intOrStringType:
			p.from = intOrStringFrom(p.from)
		}
		return p
	}
	switch t.Kind() {
	case reflect.Map:
		b.mapPlan(p, t)
	case reflect.Slice:
		b.slicePlan(p, t)
	case reflect.Pointer:
		elem := b.planFor(t.Elem())
		p.from = func(v any, dv reflect.Value) bool {
			dv.Set(reflect.New(t.Elem()))
			return elem.from(v, dv.Elem())
		}
	case reflect.Struct:
		b.structPlan(p, t)
	default: // interfaces
		b.ok = false
	}
	return p
}

// scalarFrom sets a field of a simple kind from a value of the same JSON type, as assignment
// and conversion would; anything else is the default converter's (its conversions between
// numbers, and its errors).
func scalarFrom(k reflect.Kind) func(any, reflect.Value) bool {
	switch k {
	case reflect.String:
		return assign(reflect.Value.SetString)
	case reflect.Bool:
		return assign(reflect.Value.SetBool)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return assign(reflect.Value.SetInt) // truncates as the default converter's Convert does
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return assign(func(dv reflect.Value, n int64) { dv.SetUint(uint64(n)) })
	case reflect.Float64:
		return assign(reflect.Value.SetFloat)
	}
	return func(any, reflect.Value) bool { return false }
}

// assign returns a setter that sets a field with set from a value of JSON type T, and refuses
// any other.
func assign[T any](set func(dv reflect.Value, x T)) func(any, reflect.Value) bool {
	return func(v any, dv reflect.Value) bool {
		x, ok := v.(T)
		if ok {
			set(dv, x)
		}
		return ok
	}
}

// mapPlan compiles a map with string keys.
func (b *fromBuilder) mapPlan(p *fromPlan, t reflect.Type) {
	if t.Key().Kind() != reflect.String {
		b.ok = false
		return
	}
	if t == stringMapType {
		p.from = stringMapFrom
		return
	}
	elem := b.planFor(t.Elem())
	p.from = func(v any, dv reflect.Value) bool {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if m == nil {
			return true // already the zero value
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for k, e := range m {
			ev := reflect.New(t.Elem()).Elem()
			if e != nil && !elem.from(e, ev) {
				return false
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		dv.Set(out)
		return true
	}
}

// slicePlan compiles a slice: of bytes from base64 text, of anything else from a list.
func (b *fromBuilder) slicePlan(p *fromPlan, t reflect.Type) {
	if t.Elem().Kind() == reflect.Uint8 {
		p.from = func(v any, dv reflect.Value) bool {
			s, ok := v.(string)
			if !ok || !utf8.ValidString(s) {
				return false
			}
			data, err := base64.StdEncoding.DecodeString(s) // as encoding/json decodes []byte
			if err != nil {
				return false
			}
			if data == nil {
				data = []byte{}
			}
			dv.SetBytes(data)
			return true
		}
		return
	}
	elem := b.planFor(t.Elem())
	p.from = func(v any, dv reflect.Value) bool {
		l, ok := v.([]any)
		if !ok {
			return false
		}
		if l == nil {
			return true
		}
		out := reflect.MakeSlice(t, len(l), len(l))
		for i, e := range l {
			if e != nil && !elem.from(e, out.Index(i)) {
				return false
			}
		}
		dv.Set(out)
		return true
	}
}

// structPlan compiles a struct's fields, named as apimachinery's fieldInfoFromField names
// them; a key of the map that no field names is an unknown field, left to the default
// converter to report. The fields are set key by key, from the map's keys rather than the
// struct's fields: an object sets a few of a PodSpec's or a Container's dozens.
func (b *fromBuilder) structPlan(p *fromPlan, t reflect.Type) {
	p.keys = map[string][]fromField{}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := fieldName(sf)
		if !ok || !sf.IsExported() {
			b.ok = false
			return
		}
		if name != "" {
			p.keys[name] = append(p.keys[name], fromField{index: []int{i}, plan: b.planFor(sf.Type)})
			continue
		}
		if sf.Type.Kind() != reflect.Struct || value.TypeReflectEntryOf(sf.Type).CanConvertFromUnstructured() {
			b.ok = false // inlined pointers and custom types: the default converter's
			return
		}
		for k, fields := range b.planFor(sf.Type).keys {
			for _, f := range fields {
				p.keys[k] = append(p.keys[k], fromField{index: append([]int{i}, f.index...), plan: f.plan})
			}
		}
	}
	p.from = func(v any, dv reflect.Value) bool {
		m, ok := v.(map[string]any)
		if !ok || m == nil {
			return false
		}
		return p.fill(m, dv)
	}
}

// fill sets the fields of dv from m; false at a key no field names.
func (p *fromPlan) fill(m map[string]any, dv reflect.Value) bool {
	for k, e := range m {
		fields, ok := p.keys[k]
		if !ok {
			return false
		}
		if e == nil {
			continue
		}
		for _, f := range fields {
			fv := dv.Field(f.index[0])
			for _, i := range f.index[1:] {
				fv = fv.Field(i)
			}
			if !f.plan.from(e, fv) {
				return false
			}
		}
	}
	return true
}

// fieldName returns the key of a struct field as apimachinery's fieldInfoFromField reads its
// json tag ("" for an inlined struct), and false for tags whose reading depends on the Go
// version (",embed", ",inline" on a named field).
func fieldName(sf reflect.StructField) (string, bool) {
	tag, ok := sf.Tag.Lookup("json")
	if !ok || tag == "" {
		if sf.Anonymous {
			return "", true
		}
		return sf.Name, true
	}
	name, opts, _ := cutComma(tag)
	for opts != "" {
		var o string
		o, opts, _ = cutComma(opts)
		if o == "embed" {
			return "", false
		}
	}
	if name == "" && !sf.Anonymous {
		return sf.Name, true
	}
	return name, true
}

// cutComma cuts s at its first comma.
func cutComma(s string) (before, after string, found bool) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// stringMapFrom sets a map[string]string (labels, annotations, a ConfigMap's data) from a map
// of strings without reflection; a nil value is "", as the default converter sets it.
func stringMapFrom(v any, dv reflect.Value) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if m == nil {
		return true
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := e.(string)
		if !ok && e != nil {
			return false
		}
		out[k] = s
	}
	dv.Set(reflect.ValueOf(out))
	return true
}

// quantityType is the type quantityFrom sets.
var quantityType = reflect.TypeFor[resource.Quantity]()

// quantityFrom returns the conversion of a Quantity (cpu: 500m): what its UnmarshalJSON
// parses from the JSON of the value, without the JSON. The default converter writes a value's
// JSON and has the type decode it. A string JSON writes as it is (printable ASCII that it
// does not escape: every valid quantity) and an int64 are parsed here; anything else, and a
// string that does not parse, is def's, with its error.
func quantityFrom(def func(any, reflect.Value) bool) func(any, reflect.Value) bool {
	return func(v any, dv reflect.Value) bool {
		var text string
		switch x := v.(type) {
		case string:
			if !plainJSON(x) {
				return def(v, dv)
			}
			text = x
		case int64:
			text = strconv.FormatInt(x, 10)
		default:
			return def(v, dv)
		}
		q, err := resource.ParseQuantity(strings.TrimSpace(text))
		if err != nil {
			return def(v, dv)
		}
		*dv.Addr().Interface().(*resource.Quantity) = q
		return true
	}
}

// plainJSON reports whether encoding/json writes s between quotes as it is: printable ASCII
// without a quote, a backslash or what it escapes for HTML (<, >, &).
func plainJSON(s string) bool {
	for i := range len(s) {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// intOrStringFrom returns the conversion of an IntOrString (a Service's targetPort, a
// Deployment's maxSurge) without the JSON its UnmarshalJSON would decode: a string that JSON
// keeps as it is (valid UTF-8) is a String, an int64 that fits an int32 an Int; anything
// else is def's.
func intOrStringFrom(def func(any, reflect.Value) bool) func(any, reflect.Value) bool {
	return func(v any, dv reflect.Value) bool {
		is := dv.Addr().Interface().(*intstr.IntOrString)
		switch x := v.(type) {
		case string:
			if utf8.ValidString(x) {
				*is = intstr.IntOrString{Type: intstr.String, StrVal: x}
				return true
			}
		case int64:
			if x >= math.MinInt32 && x <= math.MaxInt32 {
				*is = intstr.IntOrString{Type: intstr.Int, IntVal: int32(x)}
				return true
			}
		}
		return def(v, dv)
	}
}
