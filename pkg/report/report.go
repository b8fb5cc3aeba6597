package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// Status is the outcome of checking one resource.
type Status string

// Statuses of a checked resource.
const (
	StatusInSync  Status = "in-sync"
	StatusDrifted Status = "drifted"
	StatusMissing Status = "missing"
	StatusError   Status = "error"
)

// Action is what the tool did about a resource's drift.
type Action string

// Actions. The words are part of the text and JSON reports: keep them stable.
const (
	ActionNone              Action = ""
	ActionDryRun            Action = "drift-detected (dry-run)"
	ActionDetected          Action = "drift-detected"
	ActionBlocked           Action = "drift-detected (remediation-blocked)"
	ActionRemediated        Action = "remediated"
	ActionCreated           Action = "created"
	ActionRemediationFailed Action = "remediation-failed"
	// ActionResolvedMeanwhile: the drift was gone when the object was read again to repair it
	// (another writer restored it, or the copy it was found in was behind): nothing written.
	ActionResolvedMeanwhile Action = "drift-detected (resolved-before-remediation)"
	// ActionContested: the auditor backs off from an object whose repaired drift came back;
	// with the other writer known it reads "remediation-contested (by <manager>)" (ContestedBy).
	ActionContested Action = "remediation-contested"
)

// ContestedBy returns the action of an object contested by manager: "remediation-contested
// (by <manager>)", or ActionContested when the manager is not known.
func ContestedBy(manager string) Action {
	if manager == "" {
		return ActionContested
	}
	return ActionContested + Action(" (by "+manager+")")
}

// IsContested reports whether a is ActionContested, with or without a manager.
func (a Action) IsContested() bool {
	return a == ActionContested || strings.HasPrefix(string(a), string(ActionContested)+" (by ")
}

// Resource is the result of checking one desired object against the cluster.
type Resource struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Namespace  string       `json:"namespace"`
	Name       string       `json:"name"`
	Status     Status       `json:"status"`
	Action     Action       `json:"action"`
	Fields     []diff.Field `json:"fields"`
	Error      string       `json:"error,omitempty"`
}

// Summary counts the resources of a Report.
type Summary struct {
	Resources int `json:"resources"`
	Drifted   int `json:"drifted"`
	Fields    int `json:"fields"`
	Missing   int `json:"missing"`
	Errors    int `json:"errors"`
}

// Report is the result of one check of every tracked resource.
type Report struct {
	Revision string `json:"revision"`
	// StaleSince is set when the latest version of the manifests could not be fetched or
	// loaded: Revision is then the last good one, checked in its place since that time.
	StaleSince *time.Time `json:"staleSince,omitempty"`
	// StaleError is why, while StaleSince is set.
	StaleError string     `json:"staleError,omitempty"`
	Summary    Summary    `json:"summary"`
	Resources  []Resource `json:"resources"`
}

// New returns the Report of one check at the given Git revision ("" when the manifests are not in
// a Git repository). It sorts a copy of resources by Kind, Namespace and Name, replaces nil
// slices with empty ones so that the JSON never holds null lists, and fills the Summary.
func New(revision string, resources []Resource) Report {
	sorted := normalize(resources)
	if !slices.IsSortedFunc(sorted, byResource) { // as a check's are: one pass, not a sort
		slices.SortStableFunc(sorted, byResource)
	}
	return Report{Revision: revision, Summary: Summarize(sorted), Resources: sorted}
}

// byResource orders resources by kind, namespace and name.
func byResource(a, b Resource) int {
	return cmp.Or(
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Namespace, b.Namespace),
		cmp.Compare(a.Name, b.Name),
	)
}

// Summarize counts resources: all of them, those drifted, the fields of drifted resources,
// those missing from the cluster and those that could not be checked.
func Summarize(resources []Resource) Summary {
	s := Summary{Resources: len(resources)}
	for _, r := range resources {
		switch r.Status {
		case StatusDrifted:
			s.Drifted++
			s.Fields += len(r.Fields)
		case StatusMissing:
			s.Missing++
		case StatusError:
			s.Errors++
		}
	}
	return s
}

// normalize returns a copy of resources, never nil, whose Fields are never nil.
func normalize(resources []Resource) []Resource {
	out := make([]Resource, len(resources))
	copy(out, resources)
	for i := range out {
		if out[i].Fields == nil {
			out[i].Fields = []diff.Field{}
		}
	}
	return out
}
