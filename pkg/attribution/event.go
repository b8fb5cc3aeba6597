package attribution

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
)

const (
	// maxNote bounds an Event's note: events.k8s.io/v1 refuses more than 1 kB.
	maxNote = 1000
	// maxPaths bounds the bytes of the paths a record's annotation lists; the rest are left
	// out (Record.Truncated).
	maxPaths = 32 << 10
	// maxName bounds an Event's name (a DNS subdomain).
	maxName = 253
)

// EventOptions say who records a DriftAdmitted Event, and about what.
type EventOptions struct {
	// Controller is the Event's reportingController. Required.
	Controller string
	// Instance is its reportingInstance (a Pod's name, say), at most 128 characters. Required.
	Instance string
	// Action is its action: what the webhook answered (Warned, Audited, Exempt...). Defaults
	// to "Admitted".
	Action string
	// Revision is the Git revision the change drifts from, for the note. Defaults to none.
	Revision string
	// Now is the Event's time. Defaults to time.Now().
	Now time.Time
}

// NewEvent returns the DriftAdmitted Event that carries rec: type Normal, about rec.Object
// (by UID, so that kubectl describe shows it), in the object's namespace ("default" for a
// cluster-scoped object, as client-go does), with a note for people and rec as JSON in the
// Annotation. Neither holds a value: paths only.
func NewEvent(rec Record, o EventOptions) (*eventsv1.Event, error) {
	if o.Controller == "" || o.Instance == "" {
		return nil, errors.New("attribution event: controller and instance are required")
	}
	if o.Action == "" {
		o.Action = "Admitted"
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	rec.Time = rec.Time.UTC()
	if !rec.Approximate {
		rec.Time = rec.Time.Truncate(time.Second) // as managedFields keep it
	}
	rec.Paths, rec.Truncated = fitPaths(rec.Paths)
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("attribution event: %w", err)
	}
	ns := rec.Object.Namespace
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	return &eventsv1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:        eventName(rec.Object.Name, o.Now),
			Namespace:   ns,
			Annotations: map[string]string{Annotation: string(data)},
		},
		EventTime:           metav1.NewMicroTime(o.Now),
		ReportingController: o.Controller,
		ReportingInstance:   o.Instance,
		Action:              o.Action,
		Reason:              Reason,
		Regarding: corev1.ObjectReference{
			APIVersion: rec.Object.APIVersion,
			Kind:       rec.Object.Kind,
			Namespace:  rec.Object.Namespace,
			Name:       rec.Object.Name,
			UID:        rec.Object.UID,
		},
		Note: Note(rec, o.Revision),
		Type: corev1.EventTypeNormal,
	}, nil
}

// FromEvent returns the Record a DriftAdmitted Event carries.
func FromEvent(ev *eventsv1.Event) (Record, error) {
	if ev.Reason != Reason {
		return Record{}, fmt.Errorf("event %s/%s: reason %q, want %s", ev.Namespace, ev.Name, ev.Reason, Reason)
	}
	data, ok := ev.Annotations[Annotation]
	if !ok {
		return Record{}, fmt.Errorf("event %s/%s: no annotation %s", ev.Namespace, ev.Name, Annotation)
	}
	var rec Record
	if err := json.Unmarshal([]byte(data), &rec); err != nil {
		return Record{}, fmt.Errorf("event %s/%s: annotation %s: %w", ev.Namespace, ev.Name, Annotation, err)
	}
	r := ev.Regarding
	rec.Object = Object{APIVersion: r.APIVersion, Kind: r.Kind, Namespace: r.Namespace, Name: r.Name, UID: r.UID}
	return rec, nil
}

// Note is the note of rec's Event: who made how many fields drift from Git, with which
// manager, and the paths while they fit in 1 kB: "alice@example.com made 1 field(s) drift
// from Git (revision 3f2a1b4) with kubectl-set (Update): spec.replicas".
func Note(rec Record, revision string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s made %d field(s) drift from Git", rec.User, len(rec.Paths))
	if revision != "" {
		b.WriteString(" (revision " + revision + ")")
	}
	b.WriteString(" with " + cmp.Or(rec.Manager, "a client") + " (" + cmp.Or(rec.Operation, "Update"))
	if rec.Subresource != "" {
		b.WriteString(" /" + rec.Subresource)
	}
	b.WriteString(")")
	return clip.List(b.String(), rec.Paths, "", maxNote)
}

// fitPaths returns the paths that fit in maxPaths bytes, and whether some were left out.
func fitPaths(paths []string) ([]string, bool) {
	n := 0
	for i, p := range paths {
		if n += len(p) + 3; n > maxPaths { // quotes and comma
			return paths[:i], true
		}
	}
	return paths, false
}

// eventName returns a unique name for an Event about the object name at t, as client-go's
// recorder names them: the object's name, a dot, the time in hexadecimal nanoseconds.
func eventName(name string, t time.Time) string {
	suffix := fmt.Sprintf(".%x", t.UnixNano())
	if len(name)+len(suffix) > maxName {
		name = strings.TrimRight(name[:maxName-len(suffix)], ".-")
	}
	return name + suffix
}
