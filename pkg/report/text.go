package report

import (
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
)

const (
	// rule separates the header and the footer of the text report from its body.
	rule = "============================================================"
	// maxValueLen is the number of characters of a value printed before it is cut with "…".
	maxValueLen = 200
)

// Text writes r to w for people. It lists only the drifted, missing and error resources, in the
// order of r.Resources, then a total of the drifted and missing resources and of their fields.
// When no resource is listed, the whole output is one line saying how many are in sync.
//
// Values are printed on one line each, as FormatValue renders them (strings as they are, quoted
// when they hold a line break or another control character; nil as <absent>; anything else as
// compact JSON), cut to 200 characters.
func Text(w io.Writer, r Report) error {
	var b bytes.Buffer
	listed, changed, fields := 0, 0, 0
	for _, res := range r.Resources {
		if !isListed(res.Status) {
			continue
		}
		if listed == 0 {
			fmt.Fprintf(&b, "Drift Report\nGit revision : %s\n%s\n\n", revisionOf(r), rule)
		}
		listed++
		writeResource(&b, res)
		if res.Status != StatusError {
			changed++
			fields += len(res.Fields)
		}
	}
	if listed == 0 {
		fmt.Fprintf(&b, "No drift detected: %d resource(s) in sync (Git revision %s)\n",
			len(r.Resources), revisionOf(r))
	} else {
		fmt.Fprintf(&b, "%s\nTotal: %d resource(s) drifted, %d field(s) changed\n",
			rule, changed, fields)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// isListed reports whether the text report shows a resource of status s.
func isListed(s Status) bool {
	return s == StatusDrifted || s == StatusMissing || s == StatusError
}

// writeResource writes the block of one listed resource, followed by a blank line.
func writeResource(b *bytes.Buffer, r Resource) {
	b.WriteString(r.Kind + "/" + r.Name)
	if r.Namespace != "" {
		b.WriteString(" (ns: " + r.Namespace + ")")
	}
	b.WriteString("\n")
	action := r.Action
	if action == ActionNone {
		action = ActionDetected
	}
	fmt.Fprintf(b, "  Action : %s\n", action)
	if r.Error != "" && r.Status != StatusError {
		fmt.Fprintf(b, "  Error  : %s\n", r.Error)
	}
	switch r.Status {
	case StatusMissing:
		b.WriteString("  Status : missing (not found in the cluster)\n")
	case StatusError:
		fmt.Fprintf(b, "  Status : error\n  Error  : %s\n", r.Error)
	default:
		verb := "drifted"
		if r.Action == ActionRemediated {
			verb = "restored"
		}
		fmt.Fprintf(b, "  Fields : %d %s\n", len(r.Fields), verb)
		for _, f := range r.Fields {
			desired := formatValue(f.Desired)
			if f.Default {
				desired += " (API default)"
			}
			fmt.Fprintf(b, "    - %s\n        desired : %s\n        live    : %s\n", f.Path, desired, formatValue(f.Live))
			if f.Owner != nil {
				fmt.Fprintf(b, "        changed by : %s\n", f.Owner)
			}
		}
	}
	b.WriteString("\n")
}

// revisionOf returns the report's revision, followed by "(stale since TIME)" when the
// latest manifests could not be fetched or loaded.
func revisionOf(r Report) string {
	if r.StaleSince == nil {
		return revision(r.Revision)
	}
	return revision(r.Revision) + " (stale since " + r.StaleSince.UTC().Format(time.RFC3339) + ")"
}

// revision returns rev, or "(not a git repository)" when it is empty.
func revision(rev string) string {
	if rev == "" {
		return "(" + NoRevision + ")"
	}
	return rev
}

// formatValue renders one field value on a line of a report: FormatValue, cut to maxValueLen
// characters.
func formatValue(v any) string {
	return clip.Chars(FormatValue(v), maxValueLen)
}
