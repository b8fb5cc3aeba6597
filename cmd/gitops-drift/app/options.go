package app

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// CheckOptions are the flags of a drift check.
type CheckOptions struct {
	// DesiredOptions are --manifests, --namespace, --kubeconfig, --context, --ignore-fields.
	DesiredOptions
	// DryRun reports without writing. Defaults to true; --no-dry-run or --remediate turn it off.
	DryRun bool
	// NoDryRun turns DryRun off.
	NoDryRun bool
	// RemediationOptions are --remediate, which turns DryRun off, and --remediation-strategy.
	RemediationOptions
	// Once runs one check and exits; otherwise the check repeats every Interval.
	Once bool
	// Interval between checks when not Once. Defaults to 60s; "60" means seconds.
	Interval time.Duration
	// Output is the report format: text, json or markdown (for CI comments). Defaults to text.
	Output string
	// FailOnDrift exits 1 when drift is found.
	FailOnDrift bool
	// Log configures logging.
	Log LogOptions
}

// NewCheckOptions returns the options with their defaults.
func NewCheckOptions() *CheckOptions {
	return &CheckOptions{
		DesiredOptions:     NewDesiredOptions(),
		DryRun:             true,
		RemediationOptions: NewRemediationOptions(),
		Interval:           time.Minute,
		Output:             "text",
		Log:                LogOptions{Level: "info", Format: "auto"},
	}
}

// BindFlags registers the options' flags on fs.
func (o *CheckOptions) BindFlags(fs *pflag.FlagSet) {
	o.DesiredOptions.BindFlags(fs, "directory of desired-state manifests (*.yaml, *.yml, *.json, recursive), or of a kustomization; it or --git-url is required")
	fs.BoolVar(&o.DryRun, "dry-run", o.DryRun, "report only, change nothing (the default)")
	fs.BoolVar(&o.NoDryRun, "no-dry-run", o.NoDryRun, "turn --dry-run off (reports say drift-detected without (dry-run))")
	o.RemediationOptions.BindFlags(fs, "re-apply Git's state to drifted and missing resources (turns --dry-run off)")
	fs.BoolVar(&o.Once, "once", o.Once, "check once and exit; without it the check repeats every --interval")
	fs.Var((*seconds)(&o.Interval), "interval", "time between checks: a duration (1m, 30s) or seconds (60)")
	fs.StringVarP(&o.Output, "output", "o", o.Output, "report format: text, json, or markdown (for a pull request comment or a CI job summary)")
	fs.BoolVar(&o.FailOnDrift, "fail-on-drift", o.FailOnDrift, "exit 1 when drift is found (for CI gates)")
	o.Log.BindFlags(fs)
}

// Complete derives the options that depend on others.
func (o *CheckOptions) Complete(fs *pflag.FlagSet) error {
	if o.NoDryRun || o.Remediate {
		if fs.Changed("dry-run") && o.DryRun {
			return errors.New("--dry-run cannot be combined with --no-dry-run or --remediate")
		}
		o.DryRun = false
	}
	return nil
}

// Validate reports options that cannot work.
func (o *CheckOptions) Validate() error {
	errs := []error{o.DesiredOptions.Validate()}
	if o.Output != "text" && o.Output != "json" && o.Output != "markdown" {
		errs = append(errs, fmt.Errorf("--output %q: want text or json or markdown", o.Output))
	}
	if err := o.RemediationOptions.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.Interval <= 0 {
		errs = append(errs, fmt.Errorf("--interval %s: must be positive", o.Interval))
	}
	return errors.Join(append(errs, o.Log.Validate())...)
}

// seconds is a duration flag that also takes a bare number of seconds.
type seconds time.Duration

func (s *seconds) String() string { return time.Duration(*s).String() }
func (s *seconds) Type() string   { return "duration" }

func (s *seconds) Set(v string) error {
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		*s = seconds(time.Duration(n * float64(time.Second)))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a duration (1m, 30s) or seconds (60): %w", err)
	}
	*s = seconds(d)
	return nil
}
