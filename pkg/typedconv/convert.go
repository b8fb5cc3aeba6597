package typedconv

import (
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// Converter converts objects between their Go types and their unstructured form. Its zero
// value is ready to use, and it is safe for concurrent use.
type Converter struct {
	mu sync.Mutex
	// plans holds the conversion of every top-level type asked for; a nil plan means the
	// default converter converts objects of that type (see ToUnstructured).
	plans map[reflect.Type]*plan
	// fromPlans are FromUnstructuredWithValidation's, likewise.
	fromPlans map[reflect.Type]*fromPlan
}

// plan is the compiled conversion of one Go type, or of the types under it.
type plan struct {
	// convert returns the unstructured value of v, a value of the plan's type. It is set once
	// the plan is complete (plans of recursive types refer to themselves).
	convert func(v reflect.Value) (any, error)
	// fields are a struct's fields, in order; fill adds them to a map.
	fields []field
	// size is the size hint of a struct's map: the number of its fields without omitempty or
	// omitzero, which are always there. The default converter sizes it for every field, most
	// of which an object leaves out: a PodSpec's map would be sized for over 40 keys and hold
	// a few.
	size int
	// keys is the most entries a struct's map can have: its fields, an inlined struct's
	// counted by theirs.
	keys int
}

// field is one field of a struct.
type field struct {
	index     int
	name      string // "" for an inlined (embedded) struct
	omitempty bool
	omitzero  func(reflect.Value) bool
	kind      reflect.Kind // of the field's type
	inline    *plan        // the struct plan of an inlined field (through a pointer if ptr)
	ptr       bool         // the inlined field is a pointer
	sub       *plan        // the plan of a field of any other kind than a scalar
}

// ToUnstructured returns the unstructured form of obj, a non-nil pointer to a struct, as
// runtime.DefaultUnstructuredConverter.ToUnstructured gives it. A type with something this
// converter does not compile (unexported or interface fields, arrays, maps with keys that
// are not strings, ",embed" tags) is converted by the default converter.
func (c *Converter) ToUnstructured(obj any) (map[string]any, error) {
	if _, ok := obj.(runtime.Unstructured); ok {
		return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	}
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	}
	p := c.planOf(v.Type().Elem())
	if p == nil {
		return runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	}
	u := make(map[string]any, p.hint(v.Elem()))
	if err := p.fill(v.Elem(), u); err != nil {
		return nil, err
	}
	return u, nil
}

// planOf returns the plan of top-level struct type t, compiling it the first time; nil if
// the default converter converts it.
func (c *Converter) planOf(t reflect.Type) *plan {
	return cached(&c.mu, &c.plans, t, func() *plan {
		if value.TypeReflectEntryOf(t).CanConvertToUnstructured() {
			return nil
		}
		b := builder{plans: map[reflect.Type]*plan{}, ok: true}
		if p := b.structPlan(t); b.ok {
			return p
		}
		return nil
	})
}

// cached returns plans[t], compiling it with compile and keeping it the first time; plans is
// one of a Converter's caches, guarded by mu.
func cached[P any](mu *sync.Mutex, plans *map[reflect.Type]*P, t reflect.Type, compile func() *P) *P {
	mu.Lock()
	defer mu.Unlock()
	if p, ok := (*plans)[t]; ok {
		return p
	}
	if *plans == nil {
		*plans = map[reflect.Type]*P{}
	}
	p := compile()
	(*plans)[t] = p
	return p
}

// builder compiles the plans of one top-level type and the types under it.
type builder struct {
	plans map[reflect.Type]*plan
	// ok is false once a type under the top-level one is one the builder does not compile.
	ok bool
}

// planFor returns the plan of a value of type t where apimachinery's toUnstructured
// converts one: custom conversions (Time, Quantity, IntOrString, RawExtension) first.
func (b *builder) planFor(t reflect.Type) *plan {
	if p, ok := b.plans[t]; ok {
		return p
	}
	p := &plan{}
	b.plans[t] = p
	if entry := value.TypeReflectEntryOf(t); entry.CanConvertToUnstructured() {
		p.convert = entry.ToUnstructured
		switch {
		case t == intOrStringType || t == reflect.PointerTo(intOrStringType):
			p.convert = intOrString(entry.ToUnstructured)
		case converts(t):
			p.convert = converter(t, entry.ToUnstructured)
		}
		return p
	}
	switch t.Kind() {
	case reflect.String:
		p.convert = func(v reflect.Value) (any, error) { return v.String(), nil }
	case reflect.Bool:
		p.convert = func(v reflect.Value) (any, error) { return v.Bool(), nil }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.convert = func(v reflect.Value) (any, error) { return v.Int(), nil }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		p.convert = func(v reflect.Value) (any, error) { return fromUint(v.Uint()) }
	case reflect.Float32, reflect.Float64:
		p.convert = func(v reflect.Value) (any, error) { return v.Float(), nil }
	case reflect.Map:
		b.mapPlan(p, t)
	case reflect.Slice:
		b.slicePlan(p, t)
	case reflect.Pointer:
		elem := b.planFor(t.Elem())
		p.convert = func(v reflect.Value) (any, error) {
			if v.IsNil() {
				return nil, nil
			}
			return elem.convert(v.Elem())
		}
	case reflect.Struct:
		sp := b.structPlan(t)
		p.fields, p.size, p.keys = sp.fields, sp.size, sp.keys
		p.convert = func(v reflect.Value) (any, error) {
			u := make(map[string]any, p.hint(v))
			if err := p.fill(v, u); err != nil {
				return nil, err
			}
			return u, nil
		}
	default: // interfaces, arrays, channels, functions
		b.ok = false
		p.convert = func(reflect.Value) (any, error) { return nil, fmt.Errorf("unsupported type %v", t) }
	}
	return p
}

// intOrStringType is the type intOrString converts.
var intOrStringType = reflect.TypeFor[intstr.IntOrString]()

// intOrString returns the conversion of an IntOrString, or of a pointer to one (which the
// default converter also converts by itself): what its JSON decodes to, without the JSON.
// The default converter writes the value's JSON and decodes it (a number, as an int64, or a
// string), which took two thirds of the time of converting a Service. A nil pointer is nil;
// a string that is not UTF-8, which JSON would change, and a value of neither type (an error)
// are converted by def.
func intOrString(def func(reflect.Value) (any, error)) func(reflect.Value) (any, error) {
	return func(v reflect.Value) (any, error) {
		var is intstr.IntOrString
		switch {
		case v.Kind() == reflect.Pointer && v.IsNil():
			return nil, nil
		case v.Kind() == reflect.Pointer:
			is = *v.Interface().(*intstr.IntOrString)
		case v.CanAddr():
			is = *v.Addr().Interface().(*intstr.IntOrString)
		default:
			is = v.Interface().(intstr.IntOrString)
		}
		switch {
		case is.Type == intstr.Int:
			return int64(is.IntVal), nil
		case is.Type == intstr.String && utf8.ValidString(is.StrVal):
			return is.StrVal, nil
		}
		return def(v)
	}
}

// The interfaces of the types that convert themselves to unstructured values.
var (
	unstructuredConverter          = reflect.TypeFor[value.UnstructuredConverter]()
	unstructuredConverterWithError = reflect.TypeFor[value.UnstructuredConverterWithError]()
)

// converts reports whether values of type t convert themselves with their ToUnstructured
// method, as structured-merge-diff converts them: they have one, and no
// ToUnstructuredWithError, which comes first (Quantity, Time, and pointers to them).
func converts(t reflect.Type) bool {
	return t.Implements(unstructuredConverter) &&
		!t.Implements(unstructuredConverterWithError) && !reflect.PointerTo(t).Implements(unstructuredConverterWithError)
}

// converter returns the conversion of a type that converts itself (see converts): its
// ToUnstructured, called through a pointer. structured-merge-diff's conversion copies the
// value into an interface (a Quantity is 40 bytes) and wraps it in another; a value that
// is not addressable is still converted by def.
func converter(t reflect.Type, def func(reflect.Value) (any, error)) func(reflect.Value) (any, error) {
	if t.Kind() == reflect.Pointer {
		return func(v reflect.Value) (any, error) {
			if v.IsNil() {
				return nil, nil
			}
			return v.Interface().(value.UnstructuredConverter).ToUnstructured(), nil
		}
	}
	return func(v reflect.Value) (any, error) {
		if !v.CanAddr() {
			return def(v)
		}
		return v.Addr().Interface().(value.UnstructuredConverter).ToUnstructured(), nil
	}
}

// mapPlan compiles a map: nil stays nil, keys are strings. Keys and values are read into
// one variable each per map (MapIter's Key and Value allocate a copy of every string), and a
// map[string]string (labels, annotations, a ConfigMap's data) is read without reflection.
func (b *builder) mapPlan(p *plan, t reflect.Type) {
	if t.Key().Kind() != reflect.String {
		b.ok = false
	}
	if t == stringMapType {
		p.convert = func(v reflect.Value) (any, error) {
			if v.IsNil() {
				return nil, nil
			}
			s := v.Interface().(map[string]string)
			m := make(map[string]any, len(s))
			for k, e := range s {
				m[k] = e
			}
			return m, nil
		}
		return
	}
	elem := b.planFor(t.Elem())
	p.convert = func(v reflect.Value) (any, error) {
		if v.IsNil() {
			return nil, nil
		}
		m := make(map[string]any, v.Len())
		key, val := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for it := v.MapRange(); it.Next(); {
			key.SetIterKey(it)
			val.SetIterValue(it)
			e, err := elem.convert(val)
			if err != nil {
				return nil, err
			}
			m[key.String()] = e
		}
		return m, nil
	}
}

// stringMapType is the map type mapPlan reads without reflection.
var stringMapType = reflect.TypeFor[map[string]string]()

// slicePlan compiles a slice: nil stays nil, bytes are base64 as JSON writes them.
func (b *builder) slicePlan(p *plan, t reflect.Type) {
	if t.Elem().Kind() == reflect.Uint8 {
		p.convert = func(v reflect.Value) (any, error) {
			if v.IsNil() {
				return nil, nil
			}
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		return
	}
	elem := b.planFor(t.Elem())
	p.convert = func(v reflect.Value) (any, error) {
		if v.IsNil() {
			return nil, nil
		}
		s := make([]any, v.Len())
		for i := range s {
			var err error
			if s[i], err = elem.convert(v.Index(i)); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
}

// structPlan compiles the fields of struct type t as apimachinery's fieldInfoFromField reads
// their tags.
func (b *builder) structPlan(t reflect.Type) *plan {
	p := &plan{}
	for i := range t.NumField() {
		sf := t.Field(i)
		f := field{index: i, kind: sf.Type.Kind()}
		tag, hasTag := sf.Tag.Lookup("json")
		items := strings.Split(tag, ",")
		switch {
		case !hasTag || tag == "":
			if !sf.Anonymous {
				f.name = sf.Name
			}
		default:
			f.name = items[0]
			if f.name == "" && !sf.Anonymous {
				f.name = sf.Name
			}
			for _, d := range items[1:] {
				switch d {
				case "omitempty":
					f.omitempty = true
				case "omitzero":
					f.omitzero = value.OmitZeroFunc(sf.Type)
				case "embed", "inline":
					b.ok = false // Go 1.27's apimachinery inlines some of these
				}
			}
		}
		if f.name == "-" {
			continue
		}
		if !sf.IsExported() {
			b.ok = false
		}
		switch {
		case f.name == "":
			it := sf.Type
			if it.Kind() == reflect.Pointer {
				it, f.ptr = it.Elem(), true
			}
			if it.Kind() != reflect.Struct || value.TypeReflectEntryOf(sf.Type).CanConvertToUnstructured() ||
				(f.ptr && value.TypeReflectEntryOf(it).CanConvertToUnstructured()) {
				b.ok = false
				continue
			}
			f.inline = b.planFor(it)
		case !isScalar(f.kind):
			f.sub = b.planFor(sf.Type)
		}
		if f.inline != nil {
			p.size += f.inline.size
			p.keys += f.inline.keys
		} else {
			p.keys++
			if !f.omitempty && f.omitzero == nil {
				p.size++
			}
		}
		p.fields = append(p.fields, f)
	}
	return p
}

// fill adds the fields of v, a struct of p's type, to u.
func (p *plan) fill(v reflect.Value, u map[string]any) error {
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		if f.omitempty && isEmpty(fv) || f.omitzero != nil && f.omitzero(fv) {
			continue
		}
		if f.inline != nil {
			if f.ptr {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if err := f.inline.fill(fv, u); err != nil {
				return err
			}
			continue
		}
		switch f.kind {
		case reflect.String:
			u[f.name] = fv.String()
		case reflect.Bool:
			u[f.name] = fv.Bool()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			u[f.name] = fv.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			n, err := fromUint(fv.Uint())
			if err != nil {
				return err
			}
			u[f.name] = n
		case reflect.Float32, reflect.Float64:
			u[f.name] = fv.Float()
		default:
			e, err := f.sub.convert(fv)
			if err != nil {
				return err
			}
			u[f.name] = e
		}
	}
	return nil
}

// mapGroup is how many entries a map holds before it grows, whatever its size hint: the
// slots of one group of Go's maps (internal/abi.MapGroupSlots).
const mapGroup = 8

// hint returns the size hint of the map of v, a struct of p's type: the fields always there
// (plan.size) when they and the others fit in one group, else the entries fill adds (count).
// A map made for fewer than it gets grows; counting costs as much again as fill's own tests
// of empty fields, paid only where a map may outgrow a group (a live object's metadata, a
// PodSpec, a Container).
func (p *plan) hint(v reflect.Value) int {
	if p.keys <= mapGroup {
		return p.size
	}
	return p.count(v)
}

// count returns the number of entries fill adds for v, a struct of p's type.
func (p *plan) count(v reflect.Value) int {
	n := 0
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		switch {
		case f.omitempty && isEmpty(fv) || f.omitzero != nil && f.omitzero(fv):
		case f.inline == nil:
			n++
		case !f.ptr:
			n += f.inline.count(fv)
		case !fv.IsNil():
			n += f.inline.count(fv.Elem())
		}
	}
	return n
}

// isScalar reports whether a struct field of kind k is stored as it is, without its type's
// custom conversion, as apimachinery's structToUnstructured does.
func isScalar(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// isEmpty is apimachinery's test of an omitempty field.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Map, reflect.Slice:
		return v.IsNil() || v.Len() == 0
	case reflect.Pointer, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// fromUint is an unsigned integer as apimachinery stores it: an int64, or an error.
func fromUint(n uint64) (any, error) {
	if n > math.MaxInt64 {
		return nil, fmt.Errorf("unsigned value %d does not fit into int64 (overflow)", n)
	}
	return int64(n), nil
}
