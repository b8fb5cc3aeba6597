package desired

import (
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// Store holds the compiled desired state in force: the one the webhook judges with, the
// auditor audits and the check's Git loop checks. Readers get either the whole old state or
// the whole new one, never a mix: a reload builds a new *check.Desired and swaps it in. The
// zero value is an empty Store, ready to use.
type Store struct {
	desired atomic.Pointer[check.Desired]
}

// Load returns the current desired state, or nil before the first Set.
func (s *Store) Load() *check.Desired { return s.desired.Load() }

// Set replaces the desired state with d.
func (s *Store) Set(d *check.Desired) { s.desired.Store(d) }

// errNotLoaded is returned while the Store is empty.
var errNotLoaded = errors.New("desired state not loaded yet")

// Ready is a health check (a controller-runtime healthz.Checker) that fails until a desired
// state has been loaded.
func (s *Store) Ready(*http.Request) error {
	if s.Load() == nil {
		return errNotLoaded
	}
	return nil
}
