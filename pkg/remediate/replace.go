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

// replace writes the target with a full replace (PUT) at the live resourceVersion. The body is
// the desired object with every ignored path at its live value, plus the live values listed
// in carried that the desired object does not set (a Service's cluster IPs and node ports,
// other actors' labels and annotations, ...). Everything else the desired object does not
// set is dropped, and the server defaults it again; so are hand-added fields (drift among
// fields), even where other actors' fields are carried, and hand-edited defaults are written
// at their default.
func (r *Remediator) replace(ctx context.Context, ri dynamic.ResourceInterface, t *check.Target, live *unstructured.Unstructured, fields []diff.Field) (*unstructured.Unstructured, error) {
	body, err := replaceBody(t, live, fields)
	if err != nil {
		return nil, err
	}
	got, err := ri.Update(ctx, body, metav1.UpdateOptions{FieldManager: r.opts.FieldManager})
	if err != nil {
		return nil, fmt.Errorf("replace: %w", err)
	}
	return got, nil
}

// replaceBody returns the object replace sends for t over live, whose drift is fields.
func replaceBody(t *check.Target, live *unstructured.Unstructured, fields []diff.Field) (*unstructured.Unstructured, error) {
	body := desiredBody(t)
	if err := keepIgnored(body, live.Object, t); err != nil {
		return nil, err
	}
	if err := keepCarried(body, live.Object, t.GVK.GroupKind(), t.Schema); err != nil {
		return nil, err
	}
	dropAdded(body, fields, t.Schema)
	if err := restoreDefaults(body, fields, t.Schema); err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: body}
	obj.SetResourceVersion(live.GetResourceVersion())
	return obj, nil
}
