package report

import (
	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// FieldList returns head, then the paths of fields, each followed by who changed it when who
// says ("spec.replicas (by kubectl-scale, alice@example.com)"), as many as fit in n bytes with
// tail and a count of the rest (clip.List), then tail:
// "2 field(s) drift from Git: spec.replicas (by kubectl-scale), data.color". Paths only:
// values, a Secret's above all, never appear. The auditor's Events and the policy reports'
// results name drifted fields so.
func FieldList(head string, fields []diff.Field, who func(diff.Field) string, tail string, n int) string {
	items := make([]string, len(fields))
	for i, f := range fields {
		items[i] = f.Path
		if by := who(f); by != "" {
			items[i] += " (by " + by + ")"
		}
	}
	return clip.List(head, items, tail, n)
}

// NoRevision stands for the Git revision of manifests that are not in a Git repository, or
// in one without a commit yet, wherever a revision is shown; git says it so.
const NoRevision = "not a git repository"

// RevisionText names the Git revision rev in a message: "revision 3f2a1b4c5d6e", or
// NoRevision when rev is empty.
func RevisionText(rev string) string {
	if rev == "" {
		return NoRevision
	}
	return "revision " + rev
}

// Who returns who changed f's live value as FieldList names them: its owner's manager, with
// the person behind it when known ("kubectl-set, alice@example.com"); "" when f has no owner.
func Who(f diff.Field) string {
	if f.Owner == nil {
		return ""
	}
	return f.Owner.Who()
}
