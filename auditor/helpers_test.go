package auditor

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// logLines collects JSON log lines.
type logLines struct {
	mu    sync.Mutex
	lines []map[string]any
}

func (l *logLines) logger(t testing.TB) logr.Logger {
	return funcr.NewJSON(func(s string) {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Errorf("log line is not JSON: %v: %s", err, s)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, m)
	}, funcr.Options{})
}

// find returns the lines with message msg whose keys have the values in match.
func (l *logLines) find(msg string, match map[string]any) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range l.lines {
		if line["msg"] != msg {
			continue
		}
		ok := true
		for k, v := range match {
			if fmt.Sprint(line[k]) != fmt.Sprint(v) {
				ok = false
			}
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

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
