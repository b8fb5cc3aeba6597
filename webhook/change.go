package webhook

import (
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
// introduces no drift:
//   - CREATE: every field of the new object that differs from Git;
//   - UPDATE: every field of the new object that differs from Git and either matched Git in the
//     old object or differed from it in another way; a change toward Git, or to fields Git does
//     not set or ignores, introduces nothing;
//   - DELETE: always a change, Git still defines the object.
//
// A request on the scale subresource is judged by its replicas alone (evaluateScale).
func evaluate(req *admissionv1.AdmissionRequest, t *check.Target) (*change, error) {
	if req.SubResource == subresourceScale {
		return evaluateScale(req, t)
	}
	var fields []diff.Field
	d := new(decoder) // for both objects
	switch req.Operation {
	case admissionv1.Delete:
	case admissionv1.Create:
		obj, err := decode(d, req.Object.Raw, "object", t)
		if err != nil {
			return nil, err
		}
		if fields = t.CompareRequest(obj); len(fields) == 0 {
			return nil, nil
		}
	case admissionv1.Update:
		obj, err := decode(d, req.Object.Raw, "object", t)
		if err != nil {
			return nil, err
		}
		if fields = t.CompareRequest(obj); len(fields) == 0 {
			return nil, nil
		}
		old, err := decode(d, req.OldObject.Raw, "oldObject", t)
		if err != nil {
			return nil, err
		}
		if fields = introduced(fields, t.CompareRequest(old)); len(fields) == 0 {
			return nil, nil
		}
	default: // CONNECT: not about an object's content
		return nil, nil
	}
	return &change{
		op:         req.Operation,
		key:        t.Key,
		apiVersion: t.Obj.GetAPIVersion(),
		fields:     fields,
		secret:     diff.IsSecret(t.Obj.GetAPIVersion(), t.Key.Kind),
	}, nil
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

// decode parses the raw JSON of an object in an admission request, as far as comparing it
// with the target t needs: pruned to what Compare reads (decodeObject), or, when its
// managedFields name a hand-edit manager, whose fields Git does not set are compared too
// (check.Target.CompareRequest), to what the hand-edit search reads as well
// (decodeForHandEdits).
func decode(d *decoder, raw []byte, name string, t *check.Target) (map[string]any, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("request has no %s", name)
	}
	var obj map[string]any
	var err error
	if t.HandEditManagers(raw) {
		obj, err = d.decode(raw, nil, levelEditsRoot) // decodeForHandEdits
	} else {
		obj, err = d.decode(raw, compared(t), levelRoot) // decodeObject
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	return obj, nil
}

// compared returns the desired object t.Compare walks: its normalised form (Want) when it has
// one, which may set fields Git does not (a Secret's default type), else Git's.
func compared(t *check.Target) map[string]any {
	if t.Want != nil {
		return t.Want
	}
	return t.Obj.Object
}
