package app

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// CheckOptions are the flags of a drift check.
type CheckOptions struct {
	// Manifests is the directory of desired-state YAML. Required.
	Manifests string
	// Namespace is given to namespaced objects without one. Defaults to "default".
	Namespace string
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
	// Kubeconfig is the kubeconfig path; empty means $KUBECONFIG, ~/.kube/config, in-cluster.
	Kubeconfig string
	// Context is the kubeconfig context; empty means the current one.
	Context string
	// IgnoreFields are paths never reported as drift, for every resource.
	IgnoreFields []string
	// Output is the report format: text or json. Defaults to text.
	Output string
	// FailOnDrift exits 1 when drift is found.
	FailOnDrift bool
	// Log configures logging.
	Log LogOptions

	ignore []diff.Path
}

// NewCheckOptions returns the options with their defaults.
func NewCheckOptions() *CheckOptions {
	return &CheckOptions{
		Namespace:          "default",
		DryRun:             true,
		RemediationOptions: NewRemediationOptions(),
		Interval:           time.Minute,
		Output:             "text",
		Log:                LogOptions{Level: "info", Format: "auto"},
	}
}

// BindFlags registers the options' flags on fs.
func (o *CheckOptions) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Manifests, "manifests", o.Manifests, "directory of desired-state manifests (*.yaml, *.yml, *.json, recursive); required")
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "namespace for namespaced objects that set none")
	fs.BoolVar(&o.DryRun, "dry-run", o.DryRun, "report only, change nothing (the default)")
	fs.BoolVar(&o.NoDryRun, "no-dry-run", o.NoDryRun, "turn --dry-run off (reports say drift-detected without (dry-run))")
	o.RemediationOptions.BindFlags(fs, "re-apply Git's state to drifted and missing resources (turns --dry-run off)")
	fs.BoolVar(&o.Once, "once", o.Once, "check once and exit; without it the check repeats every --interval")
	fs.Var((*seconds)(&o.Interval), "interval", "time between checks: a duration (1m, 30s) or seconds (60)")
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)")
	fs.StringVar(&o.Context, "context", o.Context, "kubeconfig context (default: the current context)")
	fs.StringArrayVar(&o.IgnoreFields, "ignore-fields", o.IgnoreFields, "comma-separated field paths never reported as drift, e.g. spec.replicas,spec.template.spec.containers[*].image (repeatable)")
	fs.StringVarP(&o.Output, "output", "o", o.Output, "report format: text or json")
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
	ignore, err := diff.ParsePaths(strings.Join(o.IgnoreFields, ","))
	if err != nil {
		return fmt.Errorf("--ignore-fields: %w", err)
	}
	o.ignore = ignore
	return nil
}

// Validate reports options that cannot work.
func (o *CheckOptions) Validate() error {
	var errs []error
	if o.Manifests == "" {
		errs = append(errs, errors.New("--manifests is required"))
	}
	if o.Output != "text" && o.Output != "json" {
		errs = append(errs, fmt.Errorf("--output %q: want text or json", o.Output))
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
