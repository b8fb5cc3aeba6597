package ownership

import (
	"encoding/json"

	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// keyFields is the key of an entry's field set in managedFields.
const keyFields = "fieldsV1"

// Compact shrinks the managedFields of obj (an object's content, as an informer caches it) to
// what FromObject needs to answer who owns a drifted field, in place:
//   - entries written through the status subresource are dropped (status is never drift);
//   - the entries of the manager self keep their manager, operation and time, not their
//     fields (the writer knows what it wrote; the time tells when it last wrote);
//   - the other entries keep their fields as one JSON string rather than a tree of maps,
//     which is several times smaller; FromObject reads both forms. Equal strings share one
//     copy (share.Interned): objects written by the same tool usually have the same fields, as
//     managedFields record keys, not values.
//
// Entries lose their apiVersion and fieldsType. An entry whose fields cannot be encoded keeps
// them as they are. The result is still JSON-compatible (DeepCopy works), but it is not the
// API's form: never send it back to the server.
func Compact(obj map[string]any, self string) {
	md, _ := obj["metadata"].(map[string]any)
	list, ok := md["managedFields"].([]any)
	if !ok {
		return
	}
	out := list[:0]
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || m["subresource"] == "status" {
			continue
		}
		delete(m, "apiVersion")
		delete(m, "fieldsType")
		if m["manager"] == self {
			delete(m, keyFields)
		}
		compactFields(m)
		out = append(out, m)
	}
	clear(list[len(out):])
	if len(out) == 0 {
		delete(md, "managedFields")
		return
	}
	md["managedFields"] = out
}

// Compacted returns the managedFields of obj as Compact leaves them when no manager is
// gitops-drift's (every entry keeps its fields, as one JSON string), in new maps: obj is not
// changed. Nil when obj has no entry left.
func Compacted(obj map[string]any) []any {
	md, _ := obj["metadata"].(map[string]any)
	list, _ := md["managedFields"].([]any)
	var out []any
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok || m["subresource"] == "status" {
			continue
		}
		c := make(map[string]any, len(m))
		for k, v := range m {
			if k != "apiVersion" && k != "fieldsType" {
				c[k] = v
			}
		}
		compactFields(c)
		out = append(out, c)
	}
	return out
}

// compactFields replaces the field set of the entry m by its JSON, as a string, and its
// strings by shared copies.
func compactFields(m map[string]any) {
	if f, ok := m[keyFields].(map[string]any); ok {
		if b, err := json.Marshal(f); err == nil {
			m[keyFields] = string(b)
		}
	}
	for k, v := range m {
		m[k] = share.Interned(v)
	}
}
