package webhook

import (
	"errors"

	"github.com/gitops-drift/gitops-drift/pkg/check"
)

// DesiredStore holds the desired state the Handler judges with: the last manifest set that
// loaded cleanly. desired.Store is one; serve gives the Handler the one its Reloader keeps up
// to date.
type DesiredStore interface {
	// Load returns the desired state in force, or nil before one has loaded.
	Load() *check.Desired
}

// errNotLoaded is the Handler's error while the store holds no desired state.
var errNotLoaded = errors.New("desired state not loaded yet")
