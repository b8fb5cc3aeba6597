package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"unsafe"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/typedconv"
)

// typesMinor is the Kubernetes minor version of the API types this module is built with
// (k8s.io/api and k8s.io/client-go v0.37, go.mod). A test checks it against go.mod.
const typesMinor = 37

// protobufReader reads the objects of client-go's kinds as protobuf into their Go types and
// converts them to the JSON form (maps) that the dynamic client would have decoded: the
// same content, since the server encodes both from the same object and the converter
// follows the JSON tags, at a fraction of the cost (protobuf decodes ~10x faster than JSON
// into maps, and the server encodes it faster too).
//
// It reads only the kinds whose protobuf carries all their JSON does (not StatefulSets, see
// protobufComplete), and only from a server that is not newer than typesMinor: a newer server may send
// fields those types lack, which protobuf drops where JSON keeps them (a hand edit of a field
// this build does not know must still show). A nil *protobufReader reads nothing.
type protobufReader struct {
	rest          *rest.RESTClient
	compact       bool // ReaderOptions.CompactManagedFields
	withoutStatus bool // ReaderOptions.DropStatus
	// conv converts the typed objects to maps.
	conv *typedconv.Converter

	mu       sync.Mutex
	complete map[schema.GroupVersionKind]bool // kinds asked, and whether protobuf reads them
	status   map[reflect.Type]int             // the index of each type's Status field, or -1
}

// newProtobufReader returns the protobuf reader of c for a Reader with opts, or nil when
// c's server may be newer than the types or c was not made by New.
func newProtobufReader(c *Client, opts ReaderOptions) *protobufReader {
	if c.config == nil || c.server == nil || c.server.Major() != 1 || c.server.Minor() > typesMinor {
		return nil
	}
	cfg := rest.CopyConfig(c.config)
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	rc, err := rest.UnversionedRESTClientFor(cfg)
	if err != nil {
		return nil // not expected: the dynamic client was made from the same config
	}
	return &protobufReader{
		rest: rc, compact: opts.CompactManagedFields, withoutStatus: opts.DropStatus,
		conv: &typedconv.Converter{}, complete: map[schema.GroupVersionKind]bool{}, status: map[reflect.Type]int{},
	}
}

// reads reports whether p reads objects of kind gvk: a kind of client-go's scheme whose
// protobuf encoding carries everything its JSON does (see protobufComplete).
func (p *protobufReader) reads(gvk schema.GroupVersionKind) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ok, known := p.complete[gvk]
	if !known {
		t, inScheme := scheme.Scheme.AllKnownTypes()[gvk]
		ok = inScheme && protobufComplete(t, true, map[reflect.Type]bool{})
		p.complete[gvk] = ok
	}
	return ok
}

// typeMeta and jsonMarshaler are the types protobufComplete treats apart.
var (
	typeMeta      = reflect.TypeFor[metav1.TypeMeta]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
)

// protobufComplete reports whether the protobuf encoding of t, a struct of the API, carries
// every field its JSON does: whether each field with a JSON name, in t and the types under
// it, has a protobuf tag. The exceptions are the kind's own TypeMeta (top: t is the kind),
// which toUnstructured sets, and types that marshal their own JSON (Time, Quantity,
// IntOrString, RawExtension), whose JSON comes from what protobuf carries. An object
// embedded with its TypeMeta has none: the server's JSON gives a StatefulSet's
// volumeClaimTemplates apiVersion and kind, its protobuf does not, so StatefulSets are read
// as JSON.
func protobufComplete(t reflect.Type, top bool, seen map[reflect.Type]bool) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) || seen[t] {
		return true
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Tag.Get("json") == "-" {
			continue
		}
		if f.Tag.Get("protobuf") == "" && !(top && f.Anonymous && f.Type == typeMeta) {
			return false
		}
		if !protobufComplete(f.Type, false, seen) {
			return false
		}
	}
	return true
}

// get reads the object req names; ok is false when p cannot read its kind.
func (p *protobufReader) get(ctx context.Context, m *meta.RESTMapping, req request) (_ *unstructured.Unstructured, ok bool, _ error) {
	if !p.reads(req.gvk) {
		return nil, false, nil
	}
	obj, err := scheme.Scheme.New(req.gvk)
	if err != nil {
		return nil, false, nil
	}
	if err := into(p.request(m, req.namespace).Name(req.name).Do(ctx), obj, req.gvk); err != nil {
		return nil, true, err
	}
	u, err := p.toUnstructured(obj, req.gvk)
	return u, true, err
}

// list reads the objects of a kind in a namespace; ok is false when p cannot read the kind.
func (p *protobufReader) list(ctx context.Context, m *meta.RESTMapping, req request) (_ []*unstructured.Unstructured, ok bool, _ error) {
	if !p.reads(req.gvk) {
		return nil, false, nil
	}
	listKind := req.gvk.GroupVersion().WithKind(req.gvk.Kind + "List")
	list, err := scheme.Scheme.New(listKind)
	if err != nil {
		return nil, false, nil
	}
	if err := into(p.request(m, req.namespace).Do(ctx), list, listKind); err != nil {
		return nil, true, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, true, fmt.Errorf("read %s: %w", list.GetObjectKind().GroupVersionKind().Kind, err)
	}
	out := make([]*unstructured.Unstructured, len(items))
	for i, item := range items {
		if out[i], err = p.toUnstructured(item, req.gvk); err != nil {
			return nil, true, err
		}
	}
	return out, true, nil
}

// request returns a GET of the resource of m, in namespace if it is not "".
func (p *protobufReader) request(m *meta.RESTMapping, namespace string) *rest.Request {
	gv := m.Resource.GroupVersion()
	base := []string{"/apis", gv.Group, gv.Version}
	if gv.Group == "" {
		base = []string{"/api", gv.Version}
	}
	return p.rest.Get().AbsPath(base...).NamespaceIfScoped(namespace, namespace != "").Resource(m.Resource.Resource)
}

// toUnstructured converts obj, of kind gvk, to the form the dynamic client decodes from
// JSON: apiVersion and kind set (the items of a JSON list get them from the list), every
// other field as encoding/json would write it. With compact, the field sets of managedFields
// are JSON text (see ReaderOptions.CompactManagedFields).
func (p *protobufReader) toUnstructured(obj runtime.Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	if p.withoutStatus {
		p.dropStatus(obj)
	}
	var managed []metav1.ManagedFieldsEntry
	if p.compact {
		if acc, err := meta.Accessor(obj); err == nil {
			managed = acc.GetManagedFields()
			acc.SetManagedFields(nil)
		}
	}
	content, err := p.conv.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("convert %s: %w", gvk.Kind, err)
	}
	if p.withoutStatus {
		delete(content, "status") // the zero status a struct without omitempty gives
	}
	u := &unstructured.Unstructured{Object: content}
	u.SetGroupVersionKind(gvk)
	if len(managed) > 0 {
		entries, err := p.compactEntries(managed)
		if err != nil {
			return nil, fmt.Errorf("convert %s: %w", gvk.Kind, err)
		}
		md, _ := content["metadata"].(map[string]any)
		if md == nil { // not expected: the entries came from the metadata
			md = map[string]any{}
			content["metadata"] = md
		}
		md["managedFields"] = entries
	}
	return u, nil
}

// dropStatus sets the Status field of obj, a pointer to an object of the API, to its zero
// value, if it has one, so that it is not converted. obj is the decoded object, which the
// caller converts and drops.
func (p *protobufReader) dropStatus(obj runtime.Object) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return
	}
	t := v.Elem().Type()
	p.mu.Lock()
	i, ok := p.status[t]
	if !ok {
		i = -1
		if f, found := t.FieldByName("Status"); found && len(f.Index) == 1 && f.IsExported() {
			i = f.Index[0]
		}
		p.status[t] = i
	}
	p.mu.Unlock()
	if i >= 0 {
		v.Elem().Field(i).SetZero()
	}
}

// compactEntries returns managedFields entries as JSON would have them, but each field set
// as its JSON text. It takes the entries' field sets out of them (entries were taken out of
// their object, which is converted and dropped); each text is the bytes protobuf decoded,
// held as a string rather than copied into one: nothing writes them after decoding.
func (p *protobufReader) compactEntries(entries []metav1.ManagedFieldsEntry) ([]any, error) {
	out := make([]any, len(entries))
	for i := range entries {
		e := &entries[i]
		fields := e.FieldsV1
		e.FieldsV1 = nil
		m, err := p.conv.ToUnstructured(e)
		if err != nil {
			return nil, fmt.Errorf("managedFields entry of %s: %w", e.Manager, err)
		}
		if raw := fields.GetRawBytes(); fields != nil {
			m["fieldsV1"] = unsafe.String(unsafe.SliceData(raw), len(raw))
		}
		out[i] = m
	}
	return out, nil
}
