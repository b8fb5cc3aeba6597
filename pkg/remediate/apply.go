package remediate

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// apply writes the target with server-side apply as the field manager, forcing ownership of
// the fields it sends. The body is the desired object with every ignored path at its live
// value (or left out where live has none), so an apply never resets an ignored field, nor
// drops it from the field set the manager owns (which would let the server remove it). The
// body carries the live resourceVersion: if the object changed since it was read (and with
// it, perhaps, an ignored value just copied), the server answers 409 and Remediate reads it
// again.
//
// Hand edits (fields, the drift of live): a hand-edited default is sent at its default, which
// takes the field over; hand-added fields, which an apply cannot remove while their manager
// owns them, are removed afterwards by removeAdded.
func (r *Remediator) apply(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target, live *unstructured.Unstructured, fields []diff.Field) (*unstructured.Unstructured, error) {
	body, err := applyBody(t, live, fields)
	if err != nil {
		return nil, err
	}
	got, err := ri.Apply(ctx, t.Key.Name, body, metav1.ApplyOptions{FieldManager: r.opts.FieldManager, Force: true})
	if err != nil {
		return nil, fmt.Errorf("server-side apply: %w", err)
	}
	return r.removeAdded(ctx, ri, t, got, fields)
}

// applyBody returns the object apply sends for t over live, whose drift is fields.
func applyBody(t *check.Target, live *unstructured.Unstructured, fields []diff.Field) (*unstructured.Unstructured, error) {
	body := desiredBody(t)
	if err := keepIgnored(body, live.Object, t); err != nil {
		return nil, err
	}
	if err := restoreDefaults(body, fields, t.Schema); err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: body}
	obj.SetResourceVersion(live.GetResourceVersion())
	return obj, nil
}
