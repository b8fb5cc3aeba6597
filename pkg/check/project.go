package check

import (
	"encoding/json"
	"maps"

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
// Where the copy equals Want it holds a mark instead (diff.Project): Compare reads the copy as
// it reads an object, resolving the marks against Want (Resolve gives the same copy to a reader
// that is not Compare: gitops-drift has none, its tests do). The copy shares
// Want's strings and numbers: neither may be changed, but for the copy's root and metadata
// maps (ownership.Compact may edit those). A write needs the whole object: read it again
// before one. Project of a skipped target keeps the identity and managedFields alone. Nil when
// live is nil; live itself when it is a copy NoteInSync found in sync (an informer may
// transform an object twice).
func (t *Target) Project(live map[string]any) map[string]any {
	if live == nil {
		return nil
	}
	if projected(live) == projectedInSync {
		return live
	}
	out := map[string]any{}
	want := t.Want()
	if want != nil {
		if projected(live) != "" { // a copy projected before (an informer may transform twice)
			live = diff.Resolve(live, want) // its projectedKey stays: Project keeps only what Git sets
		}
		out = diff.Project(want, live, t.Schema, t.handEditSearch(live).paths())
	}
	keepIdentity(out, live)
	if mf := ownership.Compacted(live); mf != nil {
		metadataOf(out)["managedFields"] = mf
	}
	if want != nil {
		out[projectedKey] = projectedMarked
	}
	return out
}

// NoteInSync returns what to keep of p, a copy Project made and its caller has done editing
// (an auditor compacts its managedFields): p, unless Compare finds it in sync; then its
// identity alone (apiVersion, kind, metadata.name, namespace, uid, resourceVersion and
// generation), noted in sync. Every Compare of that is answered at once, without Want, and
// nothing else reads an object in sync: an auditor whose cache holds such copies holds of an
// object in sync what it holds of an untracked one, and compares, at a full audit, only the
// objects that drift. The note holds as long as the copy is compared with an equal Want, as
// marks do; a change of the object brings a new copy.
func (t *Target) NoteInSync(p map[string]any) map[string]any {
	if projected(p) != projectedMarked {
		return p
	}
	want := t.Want()
	if len(t.compare(want, diff.Resolve(p, want), true)) != 0 {
		return p
	}
	out := make(map[string]any, 4)
	keepIdentity(out, p)
	out[projectedKey] = projectedInSync
	return out
}

// NotedInSync reports whether p is a copy NoteInSync found in sync: its identity alone.
func NotedInSync(p map[string]any) bool { return projected(p) == projectedInSync }

// projectedKey is the key under which Project's copy says what it is: projectedMarked, or
// projectedInSync when Compare finds nothing on it. No object of the API has it (a key no
// schema names); Compare reads no field of live that desired does not set, but for the paths
// hand-edit managers own (managedFields do not name it either). Its values are json.Numbers
// that are not numbers, so that apimachinery's DeepCopyJSON copies them.
const projectedKey = "\x00projected"

const (
	projectedMarked json.Number = "marked"
	projectedInSync json.Number = "in-sync"
)

// projected returns what the copy p says it is, "" for anything Project did not make.
func projected(p map[string]any) json.Number {
	n, _ := p[projectedKey].(json.Number)
	return n
}

// Resolve returns the copy Project made, p, as a reader other than Compare may read it: where
// Project marked a part equal to Want's (diff.Project), Want's part, shared; without the key
// that says what the copy is. Of a copy noted in sync (NoteInSync) that is its identity alone:
// only Compare answers for it. p itself when it is not a copy (a whole live object, say); nil
// when p is nil. The copy must
// have been made against an equal Want: a reload that changes a target's Want must have its
// objects projected again before they are resolved.
func (t *Target) Resolve(p map[string]any) map[string]any {
	if p == nil || projected(p) == "" {
		return p
	}
	root := maps.Clone(p) // p stays as it is: it may be a cache's
	delete(root, projectedKey)
	return diff.Resolve(root, t.Want())
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
