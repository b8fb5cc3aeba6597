package check

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// LiveSource returns the live copies of desired objects, in the same order: the API server
// (cluster.Client) for the CLI, the informer cache for the auditor.
type LiveSource interface {
	Fetch(ctx context.Context, desired []*unstructured.Unstructured) []cluster.Live
}

// Options tune Run.
type Options struct {
	// DryRun marks drift as "drift-detected (dry-run)" rather than "drift-detected", and
	// forbids any write: Remediator is not called. Defaults to false; the CLI turns it on
	// unless --no-dry-run or --remediate.
	DryRun bool
	// Remediator, when set and DryRun is false, repairs every drifted or missing target whose
	// remediation policy is "auto"; those whose policy is "alert" are reported
	// "drift-detected (remediation-blocked)". Defaults to nil: report only.
	Remediator Remediator
}

// Run checks every target of d that is not skipped against its live copy and returns the
// report. Per-object read errors become resources with status "error"; Run itself does not
// fail. With a Remediator, Run then repairs the drifted and missing targets, Namespaces
// first, and records what it did in each resource's Action (see Remediate).
func Run(ctx context.Context, d *Desired, live LiveSource, opts Options) report.Report {
	targets := make([]*Target, 0, len(d.Targets))
	objs := make([]*unstructured.Unstructured, 0, len(d.Targets))
	for i := range d.Targets {
		if d.Targets[i].Policy.Skip {
			continue
		}
		targets = append(targets, &d.Targets[i])
		objs = append(objs, d.Targets[i].Identity())
	}
	lives := live.Fetch(ctx, objs)
	resources := evaluateAll(targets, lives, opts)
	if opts.Remediator != nil && !opts.DryRun {
		for _, i := range remediationOrder(targets) {
			if needsRemediation(resources[i].Status) {
				Remediate(ctx, opts.Remediator, targets[i], lives[i].Object, &resources[i])
			}
		}
	}
	return report.New(d.Revision, resources)
}

// evaluateAll evaluates every target against its live copy, on GOMAXPROCS goroutines (a
// target's Compare is safe for concurrent use: the webhook calls it so), and returns the
// entries in the targets' order.
func evaluateAll(targets []*Target, lives []cluster.Live, opts Options) []report.Resource {
	resources := make([]report.Resource, len(targets))
	forEach(len(targets), func(i int) {
		resources[i] = Evaluate(targets[i], lives[i], opts)
	})
	return resources
}

// Evaluate diffs one target against its live copy and returns its report entry.
func Evaluate(t *Target, live cluster.Live, opts Options) report.Resource {
	r := report.Resource{
		APIVersion: t.APIVersion(),
		Kind:       t.Key.Kind,
		Namespace:  t.Key.Namespace,
		Name:       t.Key.Name,
		Status:     report.StatusInSync,
	}
	switch {
	case live.Err != nil:
		r.Status, r.Error = report.StatusError, errorText(t, live.Err)
		return r
	case live.Object == nil:
		r.Status = report.StatusMissing
	default:
		r.Fields = t.Compare(live.Object.Object)
		if len(r.Fields) == 0 {
			return r
		}
		r.Status = report.StatusDrifted
	}
	r.Action = report.ActionDetected
	if opts.DryRun {
		r.Action = report.ActionDryRun
	}
	return r
}
