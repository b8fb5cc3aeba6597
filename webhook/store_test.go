package webhook

import "github.com/gitops-drift/gitops-drift/pkg/desired"

// Store is the store the tests give the Handler: the one serve gives it. The alias keeps the
// tests' &Store{} and storeOf as they were when the store lived here.
type Store = desired.Store

var _ DesiredStore = (*desired.Store)(nil)
