package webhook

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
)

// change is what a request does to a tracked object, judged against Git: the drift it
// introduces, or the deletion of an object Git defines.
type change struct {
	op         admissionv1.Operation
	key        manifest.Key
	apiVersion string       // Git's, the request's (the object scaled's, for a scale)
	fields     []diff.Field // the drift introduced; none for a deletion
	secret     bool         // the object is a Secret: show paths only
}

// evaluate returns the change req makes to the tracked target t, or nil when the change
// introduces no drift (the target's Want is read once, into m.want, for every step):
//   - CREATE: every field of the new object that differs from Git;
//   - UPDATE: every field of the new object that differs from Git and either matched Git in the
//     old object or differed from it in another way; a change toward Git, or to fields Git does
//     not set or ignores, introduces nothing;
//   - DELETE: always a change, Git still defines the object.
//
// A request on the scale subresource is judged by its replicas alone (evaluateScale). The
// objects are decoded in m, which the change's fields may point into.
func evaluate(req *admissionv1.AdmissionRequest, t *check.Target, m *requestMemory) (*change, error) {
	if req.SubResource == subresourceScale {
		return evaluateScale(req, t)
	}
	var fields []diff.Field
	switch req.Operation {
	case admissionv1.Delete:
	case admissionv1.Create:
		m.want = t.Want()
		obj, _, err := m.decodeFor(req.Object.Raw, objectName, t)
		if err != nil {
			return nil, err
		}
		if fields = t.CompareRequestWant(m.want, obj); len(fields) == 0 {
			return nil, nil
		}
	case admissionv1.Update:
		m.want = t.Want()
		obj, objEdits, err := m.decodeFor(req.Object.Raw, objectName, t)
		if err != nil {
			return nil, err
		}
		if fields = t.CompareRequestWant(m.want, obj); len(fields) == 0 {
			return nil, nil
		}
		objOwned := m.byOwn
		old, oldEdits, err := m.decodeFor(req.OldObject.Raw, oldObjectName, t)
		if err != nil {
			return nil, err
		}
		if fields = introducedBy(t, m.want, fields, obj, old, m.editsOf(objEdits, objOwned, oldEdits), &m.resolver); len(fields) == 0 {
			return nil, nil
		}
	default: // CONNECT: not about an object's content
		return nil, nil
	}
	return &change{
		op:         req.Operation,
		key:        t.Key,
		apiVersion: t.APIVersion(),
		fields:     fields,
		secret:     diff.IsSecret(t.APIVersion(), t.Key.Kind),
	}, nil
}

// edits says which of an UPDATE's objects have hand edits: their drift depends on their
// managedFields too, and they were decoded for the hand-edit search.
type edits struct {
	obj, old bool
	// owned says that both were decoded by what their hand-edit managers own (ownedTree),
	// and own is what those of the old object own (nil: nothing). It is what those of the
	// new object own too when their entries are the same, which is all handEditsAlike
	// uses it for.
	owned bool
	own   *ownedNode
}

// editsOf returns the edits of an UPDATE whose new object decodeFor decoded with hand edits
// objEdits, by what their managers own when objOwned (requestMemory.byOwn after it), and
// whose old object it decoded last, with hand edits oldEdits.
func (m *requestMemory) editsOf(objEdits, objOwned, oldEdits bool) edits {
	return edits{obj: objEdits, old: oldEdits, owned: objOwned && m.byOwn, own: m.own}
}

// introducedBy returns the fields of now, the drift of obj, that the change from old to obj
// introduced (introduced): when it can tell them by looking each up in both objects
// (introducedAt), without comparing old with Git; else from old's comparison. With hand
// edits, it looks up only the fields Git sets, when the hand-edit search finds in old what it
// finds in obj (handEditsAlike); r is the lookups' memory, want t's Want (requestMemory.want).
func introducedBy(t *check.Target, want map[string]any, now []diff.Field, obj, old map[string]any, e edits, r *resolver) []diff.Field {
	if out, ok := lookUpIntroduced(t, want, now, obj, old, e, r); ok {
		return out
	}
	return introduced(now, t.CompareRequestWant(want, old))
}

// lookUpIntroduced is introducedBy without old's comparison: ok is false when it cannot tell.
func lookUpIntroduced(t *check.Target, want map[string]any, now []diff.Field, obj, old map[string]any, e edits, r *resolver) ([]diff.Field, bool) {
	if !e.obj && !e.old {
		return introducedAt(t, want, now, obj, old, r)
	}
	if !e.obj || !e.old || !handEditsAlike(t, want, obj, old, e) {
		return nil, false
	}
	return introducedAt(t, want, gitFields(now), obj, old, r)
}

// introduced returns the fields of now that are not in before with the same live value: drift
// the change brings in, not drift it leaves as it was. Both are in Compare's order.
func introduced(now, before []diff.Field) []diff.Field {
	var out []diff.Field
	if len(before) <= smallDiff {
		for _, f := range now {
			if i := slices.IndexFunc(before, func(b diff.Field) bool { return b.Path == f.Path }); i < 0 || !reflect.DeepEqual(before[i].Live, f.Live) {
				out = append(out, f)
			}
		}
		return out
	}
	live := make(map[string]any, len(before))
	for _, b := range before {
		live[b.Path] = b.Live
	}
	for _, f := range now {
		if l, ok := live[f.Path]; !ok || !reflect.DeepEqual(l, f.Live) {
			out = append(out, f)
		}
	}
	return out
}

// smallDiff is the number of drifted fields up to which introduced scans instead of indexing.
const smallDiff = 16

// Names of a request's objects, in errors.
const (
	objectName    = "object"
	oldObjectName = "oldObject"
)

// decodeFor parses the raw JSON of the request's object called name, as far as comparing it
// with the target t, whose Want m.want holds, needs: pruned to what Compare reads
// (decodeObject), or, when its
// managedFields name a hand-edit manager, whose fields Git does not set are compared too
// (check.Target.CompareRequest), to what the hand-edit search reads as well: those managers'
// entries, and what they own (ownedTree); edits says which. The review gave the managers when
// m holds it (see review.objectManagers); otherwise the decode looks for them as it goes (see
// search). An object with several managedFields lists or metadata objects (duplicate keys,
// which the API server never writes), or whose hand-edit entries own paths the tree cannot
// read, is decoded for the hand-edit search as it used to be, whole but for what neither
// search reads (decodeForHandEdits).
func (m *requestMemory) decodeFor(raw []byte, name string, t *check.Target) (obj map[string]any, edits bool, err error) {
	if len(raw) == 0 {
		return nil, false, fmt.Errorf("request has no %s", name)
	}
	d := &m.dec
	m.own, m.byOwn = nil, false
	found, scanned := m.managersOf(name)
	switch {
	case !scanned:
		d.search.target = t
		obj, err = d.decode(raw, rootOf(m.want, t))
		d.search.target = nil
		switch {
		case err != nil:
			return nil, false, wrapDecode(name, err)
		case !d.search.ambiguous():
			m.own, m.byOwn = d.search.own, d.search.found
			return obj, d.search.found, nil
		}
		found = nil
	case !handEdits(found, t):
		obj, err = d.decode(raw, rootOf(m.want, t))
		return obj, false, wrapDecode(name, err)
	default:
		obj, err = m.decodeOwned(raw, found, t)
		if !errors.Is(err, errEntriesElsewhere) {
			m.byOwn = err == nil
			return obj, true, wrapDecode(name, err)
		}
		m.own = nil
	}
	if !handEdits(d.found, t) && !handEdits(found, t) {
		return obj, false, nil // several lists, none with hand edits: the pruned decode
	}
	obj, err = d.decode(raw, at{want: m.want, lv: levelEditsRoot}) // decodeForHandEdits
	return obj, true, wrapDecode(name, err)
}

// decodeOwned decodes the object raw, whose managedFields entries are found, for the
// hand-edit search of t: pruned to what Git sets and what t's hand-edit managers own.
func (m *requestMemory) decodeOwned(raw []byte, found []fieldManager, t *check.Target) (map[string]any, error) {
	own, err := m.owned.build(raw, found, t, &m.arena)
	if err != nil {
		return nil, errEntriesElsewhere // decodeFor decodes the object as it used to
	}
	edits := m.edits[:0]
	for _, e := range found {
		if t.HandEditManager(e.manager) {
			edits = append(edits, e)
		}
	}
	m.edits = edits
	d := &m.dec
	d.edits = edits
	defer func() { d.edits = nil }()
	a := rootOf(m.want, t)
	a.own = own
	m.own = own
	return d.decode(raw, a)
}

// managersOf returns the managers the review read of the object called name, and whether it
// read them.
func (m *requestMemory) managersOf(name string) ([]fieldManager, bool) {
	if !m.scanned {
		return nil, false
	}
	if name == oldObjectName {
		return m.review.oldManagers, true
	}
	return m.review.objectManagers, true
}

func wrapDecode(name string, err error) error {
	if err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	return nil
}
