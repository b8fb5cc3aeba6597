package auditor

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
)

// History is the auditor's memory that outlives it: what it did to an object, as a restarted
// or newly elected auditor can learn it.
type History interface {
	// Last returns the latest remediation Event (DriftRemediated or RemediationContested) that
	// the auditor recorded about obj, and when; a zero time when there is none.
	Last(ctx context.Context, obj *unstructured.Unstructured) (reason string, at time.Time, err error)
}

// EventHistory is a History over the cluster's Events: those that Controller (the reporting
// controller of the auditor's Events) recorded about the object's UID. One list call per
// question; it needs list on events in the object's namespace.
type EventHistory struct {
	Client     kubernetes.Interface
	Controller string
}

var _ History = (*EventHistory)(nil)

// Last implements History.
func (h *EventHistory) Last(ctx context.Context, obj *unstructured.Unstructured) (string, time.Time, error) {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault // where client-go records Events about cluster-scoped objects
	}
	sel := fields.AndSelectors(
		fields.OneTermEqualSelector("involvedObject.uid", string(obj.GetUID())),
		fields.OneTermEqualSelector("reportingComponent", h.Controller),
	)
	list, err := h.Client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: sel.String()})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("list the Events of %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	var reason string
	var at time.Time
	for i := range list.Items {
		ev := &list.Items[i]
		if ev.Reason != ReasonDriftRemediated && ev.Reason != ReasonRemediationContested {
			continue
		}
		if t := eventTime(ev); t.After(at) {
			reason, at = ev.Reason, t
		}
	}
	return reason, at, nil
}

// eventTime returns when ev last happened: its series' last observation, its event time, or
// (for Events recorded the old way) its last timestamp.
func eventTime(ev *corev1.Event) time.Time {
	t := ev.EventTime.Time
	if ev.Series != nil && ev.Series.LastObservedTime.After(t) {
		t = ev.Series.LastObservedTime.Time
	}
	if ev.LastTimestamp.After(t) {
		t = ev.LastTimestamp.Time
	}
	return t
}
