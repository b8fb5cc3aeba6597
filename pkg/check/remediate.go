package check

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// Remediator writes the desired state of a target to the cluster. pkg/remediate provides
// the server-side apply and replace strategies.
type Remediator interface {
	// Remediate makes the live object match t: it creates the object when live is nil, and
	// otherwise restores its drifted fields. live is the copy the drift was found in; the
	// Remediator may read a fresher one (after a conflict, say) and restore what drifts there.
	Remediate(ctx context.Context, t *Target, live *unstructured.Unstructured) (Remediation, error)
}

// Remediation is what a Remediator did to one object.
type Remediation struct {
	// Created is true when the object was missing and has been created.
	Created bool
	// Fields are the drifted fields that were restored: empty for a created object, or when
	// a fresher live copy no longer drifted.
	Fields []diff.Field
}

// ContestedError is a Remediator's answer when it did not write because the object is
// contested: drift that it repaired came back (another writer reverts it), and it backs off.
type ContestedError struct {
	// Manager is the field manager that wrote the drifted fields back, "" when unknown (a
	// deleted object has no managedFields).
	Manager string
	// Retry is the earliest time of the next write.
	Retry time.Time
}

func (e *ContestedError) Error() string {
	by := ""
	if e.Manager != "" {
		by = " by " + e.Manager
	}
	return fmt.Sprintf("contested%s: drift came back after a remediation; next write not before %s", by, e.Retry.UTC().Format(time.RFC3339))
}

// Remediate repairs the drift of one target, found in live and recorded in r (a drifted or
// missing resource from Evaluate), and records the outcome in r: Action "remediated" with the
// restored Fields, "created", "remediation-failed" with the Error, "remediation-contested (by
// <manager>)" when the Remediator backs off (ContestedError), "drift-detected
// (resolved-before-remediation)" with the Fields found when the Remediator wrote nothing
// because a fresher copy no longer drifted, or, for a target whose remediation policy is
// "alert", "drift-detected (remediation-blocked)" without any write.
// r.Status stays as Evaluate set it: the drift was found, whatever became of it. For a
// Secret, the Error names paths and reasons, never the server's message (see
// SecretErrorText).
func Remediate(ctx context.Context, rem Remediator, t *Target, live *unstructured.Unstructured, r *report.Resource) {
	log := logr.FromContextOrDiscard(ctx).WithValues("object", t.Key.String())
	if t.Policy.Remediation == policy.RemediationAlert {
		r.Action = report.ActionBlocked
		log.V(1).Info("remediation blocked by policy", "policy", policy.AnnotationRemediationPolicy)
		return
	}
	res, err := rem.Remediate(ctx, t, live)
	var contested *ContestedError
	switch {
	case errors.As(err, &contested):
		r.Action = report.ContestedBy(contested.Manager)
		log.V(1).Info("remediation deferred: contested", "manager", contested.Manager, "retry", contested.Retry)
		return
	case err != nil:
		r.Action, r.Error = report.ActionRemediationFailed, errorText(t, err)
		log.V(1).Info("remediation failed", "error", r.Error)
		return
	}
	if !res.Created && len(res.Fields) == 0 {
		r.Action = report.ActionResolvedMeanwhile
		log.V(1).Info("nothing to remediate: the drift was gone when the object was read again")
		return
	}
	r.Action, r.Fields = report.ActionRemediated, res.Fields
	if res.Created {
		r.Action = report.ActionCreated
	}
	log.V(1).Info("remediated", "action", string(r.Action), "fields", len(r.Fields))
}

// needsRemediation reports whether a resource of status s has anything to repair.
func needsRemediation(s report.Status) bool {
	return s == report.StatusDrifted || s == report.StatusMissing
}

// remediationOrder returns the indexes of targets in the order they are repaired: Namespaces
// first, so that the objects created in a missing namespace find it, then the rest in order.
func remediationOrder(targets []*Target) []int {
	order := make([]int, 0, len(targets))
	for pass := range 2 {
		for i, t := range targets {
			if isNamespace(t) == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	return order
}

func isNamespace(t *Target) bool {
	return t.Key.Group == "" && t.Key.Kind == "Namespace"
}
