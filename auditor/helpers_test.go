package auditor

import (
	"fmt"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// event is one Event recorded.
type event struct {
	Object string // Kind namespace/name
	UID    bool   // the Event's object has a UID
	Type   string
	Reason string
	Action string
	Note   string
}

// recorder is an events.EventRecorder that keeps the Events.
type recorder struct {
	mu     sync.Mutex
	events []event
}

func (r *recorder) Eventf(regarding, _ runtime.Object, eventtype, reason, action, note string, args ...any) {
	o := regarding.(client.Object)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{
		Object: regarding.GetObjectKind().GroupVersionKind().Kind + " " + o.GetNamespace() + "/" + o.GetName(),
		UID:    o.GetUID() != "",
		Type:   eventtype, Reason: reason, Action: action, Note: fmt.Sprintf(note, args...),
	})
}

// take returns the Events recorded since the last take.
func (r *recorder) take() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// reasons returns the reasons of the Events about object.
func (r *recorder) reasons(object string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		if e.Object == object {
			out = append(out, e.Reason)
		}
	}
	return out
}
