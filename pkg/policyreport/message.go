package policyreport

import (
	"fmt"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// maxMessage bounds a result's message, in bytes.
const maxMessage = 1000

// driftedMessage names the drifted paths, each with who owns its live value when owner knows
// it, while they fit in maxMessage: "2 field(s) drift from Git: spec.replicas (by kubectl,
// alice@example.com), data.color". Paths only: values (Secret data above all) never appear.
func driftedMessage(res *report.Resource, owner func(diff.Field) string) string {
	head := fmt.Sprintf("%d field(s) drift from Git", len(res.Fields))
	return report.FieldList(head, res.Fields, owner, failureTail(res), maxMessage)
}

// missingMessage says that the cluster lacks the resource.
func missingMessage(res *report.Resource) string {
	return clip.End("missing: Git defines it"+failureTail(res), maxMessage)
}

// errorMessage says why the resource could not be checked; for a Secret, only where to look,
// since an API server's error may quote the object.
func errorMessage(res *report.Resource) string {
	if isSecret(res) {
		return "could not be checked; the gitops-drift log has the reason"
	}
	return clip.End("could not be checked: "+res.Error, maxMessage)
}

// failureTail is what follows the message of drift whose remediation failed: why, except for
// a Secret.
func failureTail(res *report.Resource) string {
	if res.Action != report.ActionRemediationFailed {
		return ""
	}
	if isSecret(res) || res.Error == "" {
		return "; remediation failed"
	}
	return "; remediation failed: " + res.Error
}

func isSecret(res *report.Resource) bool {
	return diff.IsSecret(res.APIVersion, res.Kind)
}
