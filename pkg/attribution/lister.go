package attribution

import (
	"context"
	"fmt"

	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// eventsResource is events.k8s.io/v1's Event resource.
var eventsResource = schema.GroupVersionResource{Group: "events.k8s.io", Version: "v1", Resource: "events"}

// listPage is the page size of a LIST of Events.
const listPage = 500

// Lister reads Records from the DriftAdmitted Events of the cluster. It needs list on
// events.k8s.io events in the namespaces it reads.
type Lister struct {
	// Client reads the Events. Required.
	Client dynamic.Interface
}

// ObjectRecords returns the records of the object uid of namespace ns ("" for a
// cluster-scoped object, whose Events are in default): one LIST, the reason and the object
// selected by the server. Events whose record does not read are left out.
func (l *Lister) ObjectRecords(ctx context.Context, ns string, uid types.UID) ([]Record, error) {
	sel := fields.AndSelectors(
		fields.OneTermEqualSelector("reason", Reason),
		fields.OneTermEqualSelector("regarding.uid", string(uid)),
	)
	return l.list(ctx, eventNamespace(ns), sel)
}

// NamespaceRecords returns the records of every object of namespace ns: one LIST (a page per
// 500 Events). The records of cluster-scoped objects are those of ns "" (default), with
// default's own.
func (l *Lister) NamespaceRecords(ctx context.Context, ns string) ([]Record, error) {
	return l.list(ctx, eventNamespace(ns), fields.OneTermEqualSelector("reason", Reason))
}

func (l *Lister) list(ctx context.Context, ns string, sel fields.Selector) ([]Record, error) {
	opts := metav1.ListOptions{FieldSelector: sel.String(), Limit: listPage}
	var out []Record
	for {
		list, err := l.Client.Resource(eventsResource).Namespace(ns).List(ctx, opts)
		if err != nil {
			return nil, fmt.Errorf("list %s Events in namespace %s: %w", Reason, ns, err)
		}
		for i := range list.Items {
			var ev eventsv1.Event
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(list.Items[i].Object, &ev); err != nil {
				continue
			}
			if rec, err := FromEvent(&ev); err == nil {
				out = append(out, rec)
			}
		}
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			return out, nil
		}
	}
}

// eventNamespace returns the namespace of the Events about an object of namespace ns.
func eventNamespace(ns string) string {
	if ns == "" {
		return metav1.NamespaceDefault
	}
	return ns
}
