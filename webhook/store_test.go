package webhook

import "github.com/gitops-drift/gitops-drift/pkg/desired"

// The Handler is given pkg/desired's Store, in serve as in the tests.
var _ DesiredStore = (*desired.Store)(nil)
