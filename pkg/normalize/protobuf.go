package normalize

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	k8sschema "k8s.io/apimachinery/pkg/runtime/schema"
)

// protoRoundTripper is the protobuf encoding the generated API types have.
type protoRoundTripper interface {
	Marshal() ([]byte, error)
	Unmarshal([]byte) error
}

// typeMeta is the kind's own TypeMeta, which protobuf does not carry and protoRoundTrip sets;
// jsonMarshaler marks the types that encode themselves (Time, Quantity, IntOrString,
// RawExtension): their protobuf carries what their JSON shows, from fields of their own.
var (
	typeMeta      = reflect.TypeFor[metav1.TypeMeta]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// throughProtobuf returns typed, an object of kind gvk, as a round trip through protobuf
// leaves it, the way the API server stores it: protoRoundTrip, or typed itself when
// protoChanges finds nothing the round trip would change. Most objects have nothing (no
// empty list or map), and the round trip (encoding, a second object decoded) was a fifth of
// what normalising an object cost.
func (c *protoChecks) throughProtobuf(s *runtime.Scheme, gvk k8sschema.GroupVersionKind, typed runtime.Object) (runtime.Object, error) {
	p, ok := typed.(protoRoundTripper)
	if !ok {
		return typed, nil
	}
	if v := reflect.ValueOf(typed); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct &&
		!c.protoChanges(v.Elem()) {
		typed.GetObjectKind().SetGroupVersionKind(gvk) // as protoRoundTrip does
		return typed, nil
	}
	return protoRoundTrip(s, gvk, p)
}

// protoRoundTrip encodes p with protobuf and decodes it into a new object of kind gvk.
func protoRoundTrip(s *runtime.Scheme, gvk k8sschema.GroupVersionKind, p protoRoundTripper) (runtime.Object, error) {
	data, err := p.Marshal()
	if err != nil {
		return nil, fmt.Errorf("normalize %s: protobuf: %w", gvk.Kind, err)
	}
	fresh, err := s.New(gvk)
	if err != nil {
		return nil, fmt.Errorf("normalize %s: %w", gvk.Kind, err)
	}
	if err := fresh.(protoRoundTripper).Unmarshal(data); err != nil {
		return nil, fmt.Errorf("normalize %s: protobuf: %w", gvk.Kind, err)
	}
	// TypeMeta is not part of the protobuf message.
	fresh.GetObjectKind().SetGroupVersionKind(gvk)
	return fresh, nil
}

// protoChecks compiles and keeps the protoChanges of each kind (see protoCheckFor). Its zero
// value is ready to use; it is safe for concurrent use.
type protoChecks struct {
	mu    sync.Mutex
	kinds map[reflect.Type]protoCheck
}

// protoCheck reports whether a round trip through protobuf may change v, a value of the type
// it was compiled for; nil for a type whose values it never changes.
type protoCheck func(v reflect.Value) bool

// protoChanges reports whether a round trip through protobuf may change v, the struct of an
// object of a kind of the API, as the converter to maps sees it. Protobuf writes a field
// (its generated code, gogo's) when it is set, and reads back what it wrote, so what it can
// change is what it cannot tell from absent or cannot write:
//   - an empty list or map, which it does not write (the field comes back nil: absent rather
//     than [] or {}); an empty []byte comes back nil too;
//   - a nil item of a list or value of a map (it writes an empty one, or drops it);
//   - a field without a protobuf tag that is set (an embedded object's TypeMeta, say, which
//     the round trip drops), but the kind's own TypeMeta, which the caller sets as the round
//     trip does, and the fields of a type that encodes itself (a Time's time.Time);
//   - a value in an interface, which it does not write (the API types have none in their JSON).
//
// Anything else is written and read back as it was: scalars, pointers (to a zero value too),
// strings, structs, and the types that encode themselves from what they hold (Time,
// Quantity, IntOrString), whose unexported fields are not looked into. A false answer is
// checked against the round trip itself by TestProtoChanges. The walk over the kind's type
// is compiled once, with what it reads of each field's tags.
func (c *protoChecks) protoChanges(v reflect.Value) bool {
	t := v.Type()
	c.mu.Lock()
	check, ok := c.kinds[t]
	if !ok {
		b := protoCheckBuilder{done: map[reflect.Type]protoCheck{}, busy: map[reflect.Type]*protoCheck{}}
		check = b.structCheck(t, true)
		if c.kinds == nil {
			c.kinds = map[reflect.Type]protoCheck{}
		}
		c.kinds[t] = check
	}
	c.mu.Unlock()
	return check != nil && check(v)
}

// protoCheckBuilder compiles the protoChecks of one kind and the types under it.
type protoCheckBuilder struct {
	// done are the types compiled; busy those being compiled, to which a type under them
	// refers through their slot (a JSONSchemaProps' properties are JSONSchemaProps).
	done map[reflect.Type]protoCheck
	busy map[reflect.Type]*protoCheck
}

// never is the check of a type, or of a type that refers to itself, with nothing to change.
func never(reflect.Value) bool { return false }

// isSet is the check of a field without a protobuf tag.
func isSet(v reflect.Value) bool { return !v.IsZero() }

// check returns the protoCheck of type t, nested in a kind.
func (b *protoCheckBuilder) check(t reflect.Type) protoCheck {
	if c, ok := b.done[t]; ok {
		return c
	}
	if slot, ok := b.busy[t]; ok {
		return func(v reflect.Value) bool { return (*slot)(v) }
	}
	slot := new(protoCheck)
	*slot = never
	b.busy[t] = slot
	var c protoCheck
	switch t.Kind() {
	case reflect.Pointer:
		if elem := b.check(t.Elem()); elem != nil {
			c = func(v reflect.Value) bool { return !v.IsNil() && elem(v.Elem()) }
		}
	case reflect.Interface:
		c = func(v reflect.Value) bool { return !v.IsNil() }
	case reflect.Slice:
		c = b.sliceCheck(t)
	case reflect.Map:
		c = b.mapCheck(t)
	case reflect.Struct:
		c = b.structCheck(t, false)
	}
	if c != nil {
		*slot = c
	}
	delete(b.busy, t)
	b.done[t] = c
	return c
}

// sliceCheck compiles the check of a slice: empty, or an item nil or changed.
func (b *protoCheckBuilder) sliceCheck(t reflect.Type) protoCheck {
	if t.Elem().Kind() == reflect.Uint8 {
		return func(v reflect.Value) bool { return !v.IsNil() && v.Len() == 0 }
	}
	elem, nilable := b.check(t.Elem()), canBeNil(t.Elem().Kind())
	return func(v reflect.Value) bool {
		if v.IsNil() {
			return false
		}
		n := v.Len()
		if n == 0 {
			return true
		}
		if elem == nil && !nilable {
			return false
		}
		for i := range n {
			if e := v.Index(i); nilable && e.IsNil() || elem != nil && elem(e) {
				return true
			}
		}
		return false
	}
}

// mapCheck compiles the check of a map: empty, or a value nil or changed.
func (b *protoCheckBuilder) mapCheck(t reflect.Type) protoCheck {
	elem, nilable := b.check(t.Elem()), canBeNil(t.Elem().Kind())
	return func(v reflect.Value) bool {
		if v.IsNil() {
			return false
		}
		if v.Len() == 0 {
			return true
		}
		if elem == nil && !nilable {
			return false
		}
		for it := v.MapRange(); it.Next(); {
			if e := it.Value(); nilable && e.IsNil() || elem != nil && elem(e) {
				return true
			}
		}
		return false
	}
}

// structCheck compiles the check of a struct (top: the kind itself): a field without a
// protobuf tag that is set, or a field with one that changes.
func (b *protoCheckBuilder) structCheck(t reflect.Type, top bool) protoCheck {
	type fieldCheck struct {
		index int
		check protoCheck
	}
	custom := t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler)
	var fields []fieldCheck
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if tag := f.Tag.Get("protobuf"); tag == "" || tag == "-" {
			if custom || f.Tag.Get("json") == "-" || top && f.Anonymous && f.Type == typeMeta {
				continue // encoded by its type, in neither encoding, or set by the caller
			}
			fields = append(fields, fieldCheck{i, isSet})
			continue
		}
		// A field with a protobuf tag counts even without JSON: a RawExtension's Raw is its JSON.
		if c := b.check(f.Type); c != nil {
			fields = append(fields, fieldCheck{i, c})
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return func(v reflect.Value) bool {
		for _, f := range fields {
			if f.check(v.Field(f.index)) {
				return true
			}
		}
		return false
	}
}

// canBeNil reports whether values of kind k can be nil.
func canBeNil(k reflect.Kind) bool {
	switch k {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return true
	}
	return false
}
