package check

import (
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/ownership"
	"github.com/gitops-drift/gitops-drift/pkg/share"
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
// Where the copy equals Want it holds Want's own parts (see diff.Project; an auditor expands
// the Desired, so they are the parts every reader of Want shares): neither may be changed, but
// for the copy's root and metadata maps (ownership.Compact may edit those).
// A write needs the whole object: read it again before one. Project of a skipped target
// keeps the identity and managedFields alone. Nil when live is nil.
func (t *Target) Project(live map[string]any) map[string]any {
	if live == nil {
		return nil
	}
	out := map[string]any{}
	if want := t.Want(); want != nil {
		out = diff.Project(want, live, t.Schema, t.handEditSearch(live).paths())
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
// otherwise shared copies (share.Interned).
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
		v = share.Interned(v)
	}
	m[k] = v
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
