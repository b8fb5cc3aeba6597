package check

import (
	"context"
	"errors"

	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// DesiredFunc returns the desired state to check. When the latest manifests did not load, it
// returns the last good state, if there is one, together with the load error: that state is
// checked but never remediated from. A nil state means there is nothing to check.
type DesiredFunc func(ctx context.Context) (*Desired, error)

// Runner is one drift check, ready to run again and again: the CLI's --once and its loop, and
// each cycle of the auditor, call RunOnce.
type Runner struct {
	// Desired returns the state to check. Required.
	Desired DesiredFunc
	// Live reads the live copies: the API server for the CLI, informers for the auditor.
	// Required.
	Live LiveSource
	// Options are given to Run, without the Remediator when the desired state is stale.
	Options Options
}

// StaleError is RunOnce's error when the latest manifests did not load and the last good
// desired state was checked instead, without remediation. The report is complete.
type StaleError struct {
	// Err is why the latest manifests did not load.
	Err error
}

func (e *StaleError) Error() string {
	return "checked the last good desired state, without remediation: " + e.Err.Error()
}

func (e *StaleError) Unwrap() error { return e.Err }

// errNoDesired is RunOnce's error when Desired gives neither a state nor a reason.
var errNoDesired = errors.New("no desired state to check")

// RunOnce gets the desired state and checks it (see Run). When there is no state to check, it
// returns an empty report and the reason. When the state is stale (Desired returned one with
// an error), it checks it without remediating and returns the report with a *StaleError.
func (r *Runner) RunOnce(ctx context.Context) (report.Report, error) {
	d, err := r.Desired(ctx)
	if d == nil {
		if err == nil {
			err = errNoDesired
		}
		return report.Report{}, err
	}
	opts := r.Options
	if err != nil {
		opts.Remediator = nil
		err = &StaleError{Err: err}
	}
	return Run(ctx, d, r.Live, opts), err
}
