package cluster

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
)

// protobufPrefix starts every protobuf body the API server sends (apimachinery's
// protoEncodingPrefix): "k8s" and a zero byte, then a runtime.Unknown holding the object.
var protobufPrefix = []byte("k8s\x00")

// protobufUnmarshaler is the protobuf decoding of the generated API types.
type protobufUnmarshaler interface {
	Unmarshal([]byte) error
}

// into decodes res into obj, a new object of kind gvk of client-go's scheme, as res.Into
// does. A protobuf body of that kind is decoded in place (decodeInPlace); anything else, and
// any error, is left to res.Into.
func into(res rest.Result, obj runtime.Object, gvk schema.GroupVersionKind) error {
	var contentType string
	body, err := res.ContentType(&contentType).Raw()
	if err == nil && contentType == runtime.ContentTypeProtobuf && decodeInPlace(body, obj, gvk) {
		return nil
	}
	return res.Into(obj)
}

// decodeInPlace decodes body, a protobuf response, into obj, a new object of kind gvk, and
// reports whether it did. Into's serializer first decodes the runtime.Unknown around the
// object, which copies the object's bytes (a tenth of what a --once run at 1,000 objects
// allocated), then decodes that copy; this reads the object's bytes where they are. A list's
// Items are made at their length first (presizeItems).
func decodeInPlace(body []byte, obj runtime.Object, gvk schema.GroupVersionKind) bool {
	u, ok := obj.(protobufUnmarshaler)
	raw, found := unknownRaw(body, gvk)
	if !ok || !found {
		return false
	}
	presizeItems(obj, raw)
	return u.Unmarshal(raw) == nil
}

// presizeItems makes the Items of obj, a list of client-go's scheme about to be decoded from
// raw, its protobuf, as long as the items raw holds: the generated code appends each item
// to Items, and a list of 300 Deployments (1.2 KB each) grew its slice a dozen times, three
// times the final list in garbage. Anything but a struct with an Items slice tagged as a
// repeated protobuf field, and a message whose top-level fields are not all
// length-delimited, is left as it is.
func presizeItems(obj runtime.Object, raw []byte) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	f, ok := v.Elem().Type().FieldByName("Items")
	if !ok || f.Type.Kind() != reflect.Slice || len(f.Index) != 1 {
		return
	}
	tag := strings.Split(f.Tag.Get("protobuf"), ",")
	if len(tag) < 3 || tag[0] != "bytes" || tag[2] != "rep" {
		return
	}
	number, err := strconv.ParseUint(tag[1], 10, 64)
	if err != nil {
		return
	}
	n := 0
	for len(raw) > 0 {
		field, _, rest, ok := cutBytesField(raw)
		if !ok {
			return
		}
		if field == number {
			n++
		}
		raw = rest
	}
	if items := v.Elem().Field(f.Index[0]); items.IsNil() && n > 0 {
		items.Set(reflect.MakeSlice(f.Type, 0, n))
	}
}

// unknownRaw returns the object's bytes in body, a protobuf response: the raw field of its
// runtime.Unknown, if the Unknown says it holds an object of kind gvk in protobuf with no
// content encoding, and has no field but these. found is false otherwise.
func unknownRaw(body []byte, gvk schema.GroupVersionKind) (raw []byte, found bool) {
	data, ok := bytes.CutPrefix(body, protobufPrefix)
	if !ok {
		return nil, false
	}
	var typeMeta []byte
	for len(data) > 0 {
		field, value, rest, ok := cutBytesField(data)
		if !ok {
			return nil, false
		}
		data = rest
		switch field {
		case 1: // typeMeta
			typeMeta = value
		case 2: // raw
			raw, found = value, true
		case 3, 4: // contentEncoding, contentType
			if len(value) > 0 && (field == 3 || string(value) != runtime.ContentTypeProtobuf) {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	apiVersion, kind, ok := typeMetaOf(typeMeta)
	if !ok || apiVersion != gvk.GroupVersion().String() || kind != gvk.Kind {
		return nil, false
	}
	return raw, found
}

// typeMetaOf returns the apiVersion and kind of data, a runtime.TypeMeta in protobuf.
func typeMetaOf(data []byte) (apiVersion, kind string, ok bool) {
	for len(data) > 0 {
		field, value, rest, ok := cutBytesField(data)
		if !ok {
			return "", "", false
		}
		data = rest
		switch field {
		case 1:
			apiVersion = string(value)
		case 2:
			kind = string(value)
		default:
			return "", "", false
		}
	}
	return apiVersion, kind, true
}

// cutBytesField cuts the first field of data, a protobuf message, if it is length-delimited
// (bytes, strings, messages: all the fields of Unknown and TypeMeta are).
func cutBytesField(data []byte) (field uint64, value, rest []byte, ok bool) {
	tag, n := binary.Uvarint(data)
	if n <= 0 || tag&7 != 2 {
		return 0, nil, nil, false
	}
	size, m := binary.Uvarint(data[n:])
	if m <= 0 || size > uint64(len(data)-n-m) {
		return 0, nil, nil, false
	}
	start := n + m
	return tag >> 3, data[start : start+int(size)], data[start+int(size):], true
}
