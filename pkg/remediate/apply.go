package remediate

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// apply writes the target with server-side apply as the field manager, forcing ownership of
// the fields it sends. The body is the desired object with every ignored path at its live
// value (or left out where live has none), so an apply never resets an ignored field, nor
// drops it from the field set the manager owns (which would let the server remove it). The
// body carries the live resourceVersion: if the object changed since it was read (and with
// it, perhaps, an ignored value just copied), the server answers 409 and Remediate reads it
// again.
func (r *Remediator) apply(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target, live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	body, err := applyBody(t, live)
	if err != nil {
		return nil, err
	}
	got, err := ri.Apply(ctx, t.Key.Name, body, metav1.ApplyOptions{FieldManager: r.opts.FieldManager, Force: true})
	if err != nil {
		return nil, fmt.Errorf("server-side apply: %w", err)
	}
	return got, nil
}

// applyBody returns the object apply sends for t over live.
func applyBody(t *check.Target, live *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	body := desiredBody(t)
	if err := keepIgnored(body, live.Object, t); err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: body}
	obj.SetResourceVersion(live.GetResourceVersion())
	return obj, nil
}
