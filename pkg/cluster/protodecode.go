package cluster

import (
	"bytes"
	"encoding/binary"

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
// does. A protobuf body of that kind is decoded in place: Into's serializer first decodes the
// runtime.Unknown around the object, which copies the object's bytes (a tenth of what a
// --once run at 1,000 objects allocated), then decodes that copy. Anything else, and any
// error, is left to res.Into.
func into(res rest.Result, obj runtime.Object, gvk schema.GroupVersionKind) error {
	var contentType string
	body, err := res.ContentType(&contentType).Raw()
	if err == nil && contentType == runtime.ContentTypeProtobuf {
		u, ok := obj.(protobufUnmarshaler)
		if raw, found := unknownRaw(body, gvk); ok && found && u.Unmarshal(raw) == nil {
			return nil
		}
	}
	return res.Into(obj)
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
