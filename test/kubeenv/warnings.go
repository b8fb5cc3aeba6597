package kubeenv

import (
	"context"
	"strings"
	"sync"

	"k8s.io/client-go/rest"
)

// Warnings keeps the warnings the API server sends a client: set a *Warnings as the
// rest.Config's WarningHandler (or WarningHandlerWithContext). It is safe for concurrent use;
// the zero value is ready.
type Warnings struct {
	mu   sync.Mutex
	msgs []string
}

var (
	_ rest.WarningHandler            = (*Warnings)(nil)
	_ rest.WarningHandlerWithContext = (*Warnings)(nil)
)

// HandleWarningHeader keeps the warning's text.
func (w *Warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

// HandleWarningHeaderWithContext keeps the warning's text.
func (w *Warnings) HandleWarningHeaderWithContext(_ context.Context, code int, agent, text string) {
	w.HandleWarningHeader(code, agent, text)
}

// All returns the warnings kept, oldest first.
func (w *Warnings) All() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// Contains reports whether a warning kept contains sub.
func (w *Warnings) Contains(sub string) bool {
	for _, m := range w.All() {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

// Take returns the warnings kept, oldest first, and forgets them.
func (w *Warnings) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	msgs := w.msgs
	w.msgs = nil
	return msgs
}
