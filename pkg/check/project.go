package check

import (
	"unique"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
)

// Project returns a new, minimal copy of live, the live object of the target, that holds what
// Compare reads of it for this target, and the metadata an auditor needs of it: Compare,
// CompareRequest and their owners are the same on the copy as on live. An informer cache can
// keep the copy in place of the object (a transform): a tracked object then costs what its
// diff reads. The copy holds:
//
//   - apiVersion and kind; metadata.name, namespace, uid, resourceVersion and generation
//     (Want's strings where they are equal, as they are but for the uid and versions);
//   - the fields Git sets, as diff.Project keeps them (the labels, annotations and Secret data
//     keys Git sets; every item of a list matched by key, those Git does not match as their
//     keys; no status);
//   - the values the hand-edit managers own where Git sets nothing (Compiler.Manual), whole;
//   - metadata.managedFields, compacted (ownership.Compacted): every entry but the status
//     subresource's, its fields as one JSON string. It is not the API's form: never send the
//     copy to the server. An auditor may drop its own entry's fields (ownership.Compact).
//
// Where the copy equals Want it holds Want's own parts (see diff.Project): neither may be
// changed, but for the copy's root and metadata maps (ownership.Compact may edit those).
// A write needs the whole object: read it again before one. Project of a skipped target
// keeps the identity and managedFields alone. Nil when live is nil.
func (t *Target) Project(live map[string]any) map[string]any {
	if live == nil {
		return nil
	}
	out := map[string]any{}
	if t.Want != nil {
		out = diff.Project(t.Want, live, t.Schema, t.handEditSearch(live).paths())
	}
	keepIdentity(out, live)
	if mf := ownership.Compacted(live); mf != nil {
		metadataOf(out)["managedFields"] = mf
	}
	return out
}

// Stub returns the identity of obj, a live object Git does not track, alone: apiVersion, kind
// and metadata.name, namespace, uid and resourceVersion. An informer cache can keep it in place
// of the object: enough to know the object exists and when it changes, and nothing of its
// content (an untracked Secret's data never stays in memory). Its apiVersion, kind and
// namespace are copies that every object's stub shares. Nil when obj is nil.
func Stub(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	out := make(map[string]any, 3)
	keepIdentity(out, obj)
	delete(metadataOf(out), "generation")
	return out
}

// keepIdentity copies into out the apiVersion, kind, name, namespace, uid, resourceVersion and
// generation of obj, those it has. A value out holds already and obj's equals (desired's, which
// diff.Project shares) stays; apiVersion, kind and namespace, which many objects repeat, are
// otherwise shared copies (see shared).
func keepIdentity(out, obj map[string]any) {
	for _, k := range [...]string{"apiVersion", "kind"} {
		if v, ok := obj[k]; ok {
			keep(out, k, v, true)
		}
	}
	md, _ := obj["metadata"].(map[string]any)
	var om map[string]any
	for _, k := range [...]string{"name", "namespace", "uid", "resourceVersion", "generation"} {
		if v, ok := md[k]; ok {
			if om == nil {
				om = metadataOf(out)
			}
			keep(om, k, v, k == "namespace")
		}
	}
}

// keep sets m[k] to v, unless m holds an equal string there already; a shared copy of v if
// repeats.
func keep(m map[string]any, k string, v any, repeats bool) {
	if s, ok := v.(string); ok {
		if cur, ok := m[k].(string); ok && cur == s {
			return
		}
	}
	if repeats {
		v = shared(v)
	}
	m[k] = v
}

// shared returns v, a JSON value, as the copy that every equal string shares, if it is a
// string; any other value as it is. The copies are unique.Make's, held weakly: nothing keeps
// their Handles, so a collection forgets a copy (which lives on while an object holds it),
// and an object made after it gets a new one. Objects made between two collections share, as
// those of an informer's list do; an object updated later may hold a copy of its own, as it
// did before. The string is interned first (unique.Make clones a new string, so that the copy
// never holds on to a larger buffer it was cut from), then its boxed form (which it does not
// clone). pkg/ownership shares the strings of managedFields alike.
func shared(v any) any {
	if s, ok := v.(string); ok {
		return unique.Make[any](unique.Make(s).Value()).Value()
	}
	return v
}

// metadataOf returns the metadata map of out, adding an empty one if it has none.
func metadataOf(out map[string]any) map[string]any {
	md, ok := out["metadata"].(map[string]any)
	if !ok {
		md = map[string]any{}
		out["metadata"] = md
	}
	return md
}
