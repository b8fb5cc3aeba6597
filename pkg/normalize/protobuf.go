package normalize

import (
	"encoding/json"
	"fmt"
	"reflect"

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
func throughProtobuf(s *runtime.Scheme, gvk k8sschema.GroupVersionKind, typed runtime.Object) (runtime.Object, error) {
	p, ok := typed.(protoRoundTripper)
	if !ok {
		return typed, nil
	}
	if v := reflect.ValueOf(typed); v.Kind() == reflect.Pointer && !v.IsNil() && !protoChanges(v.Elem(), true) {
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

// protoChanges reports whether a round trip through protobuf may change v, a value of an API
// type (top: the kind itself), as the converter to maps sees it. Protobuf writes a field
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
// checked against the round trip itself by TestProtoChanges.
func protoChanges(v reflect.Value, top bool) bool {
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && protoChanges(v.Elem(), false)
	case reflect.Interface:
		return !v.IsNil()
	case reflect.Slice:
		if v.IsNil() {
			return false
		}
		if v.Len() == 0 {
			return true
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return false
		}
		for i := range v.Len() {
			if e := v.Index(i); isNil(e) || protoChanges(e, false) {
				return true
			}
		}
	case reflect.Map:
		if v.IsNil() {
			return false
		}
		if v.Len() == 0 {
			return true
		}
		for it := v.MapRange(); it.Next(); {
			if e := it.Value(); isNil(e) || protoChanges(e, false) {
				return true
			}
		}
	case reflect.Struct:
		return structChanges(v, top)
	}
	return false
}

// structChanges is protoChanges of a struct.
func structChanges(v reflect.Value, top bool) bool {
	t := v.Type()
	custom := t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if tag := f.Tag.Get("protobuf"); tag == "" || tag == "-" {
			if custom || f.Tag.Get("json") == "-" || top && f.Anonymous && f.Type == typeMeta || fv.IsZero() {
				continue // encoded by its type, in neither encoding, set by the caller, or unset
			}
			return true
		}
		// A field with a protobuf tag counts even without JSON: a RawExtension's Raw is its JSON.
		if protoChanges(fv, false) {
			return true
		}
	}
	return false
}

// isNil reports whether v is a nil pointer, interface, slice or map.
func isNil(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	}
	return false
}
