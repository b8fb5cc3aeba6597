package app

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
)

// RemediationOptions are the remediation flags, shared by the check and `serve`.
type RemediationOptions struct {
	// Remediate re-applies Git's state to drifted and missing resources. Defaults to false.
	Remediate bool
	// RemediationStrategy is how drifted resources are written: apply (server-side apply) or
	// replace (PUT). Defaults to apply.
	RemediationStrategy string
}

// NewRemediationOptions returns the options with their defaults.
func NewRemediationOptions() RemediationOptions {
	return RemediationOptions{RemediationStrategy: string(remediate.StrategyApply)}
}

// BindFlags registers --remediate, described by usage, and --remediation-strategy on fs.
func (o *RemediationOptions) BindFlags(fs *pflag.FlagSet, usage string) {
	fs.BoolVar(&o.Remediate, "remediate", o.Remediate, usage)
	fs.StringVar(&o.RemediationStrategy, "remediation-strategy", o.RemediationStrategy, "how --remediate writes drifted resources: apply (server-side apply) or replace (full PUT)")
}

// Validate reports an unknown strategy.
func (o *RemediationOptions) Validate() error {
	if _, err := remediate.ParseStrategy(o.RemediationStrategy); err != nil {
		return fmt.Errorf("--remediation-strategy: %w", err)
	}
	return nil
}

// Remediator returns the Remediator the options ask for, writing through c, or nil without
// --remediate.
func (o *RemediationOptions) Remediator(c remediate.Client) (check.Remediator, error) {
	if !o.Remediate {
		return nil, nil
	}
	rem, err := remediate.New(c, remediate.Options{Strategy: remediate.Strategy(o.RemediationStrategy)})
	if err != nil {
		return nil, err
	}
	return rem, nil
}
