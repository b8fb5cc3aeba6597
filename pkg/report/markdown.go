package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

const (
	// markdownBudget is the most bytes Markdown writes: GitHub refuses a comment of more than
	// 65,536 characters, and this leaves 1,536 for a heading or marker that a CI job adds around
	// the report. Bytes are counted, which bounds characters (and UTF-16 units) from above.
	markdownBudget = 64000
	// markdownMaxFields is the most fields listed for one resource, so that one resource with
	// hundreds of drifted fields cannot take the whole budget.
	markdownMaxFields = 50
	// markdownMarker opens every Markdown report, invisible once rendered, so that a CI job can
	// find its earlier comment and update it instead of adding another.
	markdownMarker = "<!-- gitops-drift report -->"
	// markdownTrailerRoom is kept free of resources for the line that counts those left out.
	markdownTrailerRoom = 100
)

// Markdown writes r to w as GitHub-flavoured Markdown, for a pull request or merge request
// comment or a CI job summary. It opens with an HTML comment that marks the report, a heading,
// the Git revision and the totals (and a warning while the report is stale); then a table of the
// drifted, missing and error resources (resource, status, action, number of fields, and the
// field managers that changed them); then a collapsible <details> section per resource with its
// fields (path, desired, live, changed by) or its error. Values are formatted as Text formats
// them, inside code spans, so that no value is read as Markdown or HTML.
//
// The output stays under 64,000 bytes, within GitHub's limit of 65,536 characters for a
// comment: resources are added in the order of r.Resources while they fit, and the report then
// ends with "… and N more resources (see the JSON report)". A resource lists at most 50 fields.
func Markdown(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, markdown(r, markdownBudget)); err != nil {
		return fmt.Errorf("write Markdown report: %w", err)
	}
	return nil
}

// markdown renders r in at most budget bytes.
func markdown(r Report, budget int) string {
	var head, table, details strings.Builder
	writeMarkdownHeader(&head, r)
	listed := 0
	for _, res := range r.Resources {
		if isListed(res.Status) {
			listed++
		}
	}
	if listed == 0 {
		return head.String()
	}
	const tableHead = "| Resource | Status | Action | Fields | Changed by |\n|---|---|---|--:|---|\n"
	used := head.Len() + len(tableHead) + 1 + markdownTrailerRoom
	shown := 0
	for _, res := range r.Resources {
		if !isListed(res.Status) {
			continue
		}
		row, section := markdownRow(res), markdownSection(res)
		if used+len(row)+len(section) > budget {
			break
		}
		used += len(row) + len(section)
		table.WriteString(row)
		details.WriteString(section)
		shown++
	}
	var b strings.Builder
	b.WriteString(head.String())
	if shown > 0 {
		b.WriteString(tableHead + table.String() + "\n" + details.String())
	}
	if left := listed - shown; left > 0 {
		fmt.Fprintf(&b, "… and %s (see the JSON report).\n", plural(left, "more resource"))
	}
	return b.String()
}

// writeMarkdownHeader writes the marker, the heading, the revision with the totals, and the
// stale warning.
func writeMarkdownHeader(b *strings.Builder, r Report) {
	s := r.Summary
	inSync := s.Resources - s.Drifted - s.Missing - s.Errors
	title := "no drift"
	switch {
	case s.Drifted+s.Missing > 0:
		title = "drift found"
	case s.Errors > 0:
		title = "not every resource could be checked"
	}
	fmt.Fprintf(b, "%s\n### gitops-drift: %s\n\nGit revision %s · ", markdownMarker, title, code(revision(r.Revision)))
	switch {
	case s.Resources == 0:
		b.WriteString("no resource checked\n")
	case inSync == s.Resources:
		fmt.Fprintf(b, "%s, all in sync\n", plural(s.Resources, "resource"))
	default:
		fmt.Fprintf(b, "%s: %d drifted (%s), %d missing, %s, %d in sync\n", plural(s.Resources, "resource"),
			s.Drifted, plural(s.Fields, "field"), s.Missing, plural(s.Errors, "error"), inSync)
	}
	if r.StaleSince != nil {
		fmt.Fprintf(b, "\n> **Stale since %s:** the latest manifests do not load, so this is the last good revision, "+
			"checked in their place; nothing is remediated from it.", r.StaleSince.UTC().Format(time.RFC3339))
		if r.StaleError != "" {
			b.WriteString(" " + code(r.StaleError))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// markdownRow returns the summary table's row of a listed resource.
func markdownRow(r Resource) string {
	fields := "—"
	if r.Status == StatusDrifted {
		fields = strconv.Itoa(len(r.Fields))
	}
	var managers []string
	for _, w := range changedBy(r.Fields) {
		m := cellCode(w.manager)
		if w.user != "" {
			m += " by " + cellCode(w.user)
		}
		managers = append(managers, m)
	}
	return fmt.Sprintf("| %s | %s | %s | %s | %s |\n",
		cellCode(resourceName(r)), r.Status, markdownAction(r), fields, strings.Join(managers, ", "))
}

// markdownSection returns the collapsible section of a listed resource: its fields, or why it
// is listed.
func markdownSection(r Resource) string {
	var b strings.Builder
	summary := string(r.Status)
	if r.Status == StatusDrifted {
		summary += ", " + plural(len(r.Fields), "field")
	}
	fmt.Fprintf(&b, "<details><summary><code>%s</code>: %s</summary>\n\n", htmlText(resourceName(r)), summary)
	switch {
	case r.Status == StatusMissing:
		b.WriteString("Not found in the cluster.\n\n")
	case r.Error != "":
		b.WriteString("Error:\n\n" + fenced(r.Error) + "\n")
	}
	if r.Status == StatusDrifted && len(r.Fields) > 0 {
		writeFieldTable(&b, r.Fields)
	}
	b.WriteString("</details>\n\n")
	return b.String()
}

// writeFieldTable writes the table of a resource's drifted fields, at most markdownMaxFields of
// them.
func writeFieldTable(b *strings.Builder, fields []diff.Field) {
	b.WriteString("| Field | Desired | Live | Changed by |\n|---|---|---|---|\n")
	for _, f := range fields[:min(len(fields), markdownMaxFields)] {
		desired := markdownValue(f.Desired)
		if f.Default {
			desired += " (API default)"
		}
		owner := ""
		if f.Owner != nil {
			owner = cellCode(f.Owner.String())
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cellCode(f.Path), desired, markdownValue(f.Live), owner)
	}
	b.WriteString("\n")
	if left := len(fields) - markdownMaxFields; left > 0 {
		fmt.Fprintf(b, "… and %s (see the JSON report).\n\n", plural(left, "more field"))
	}
}

// writer is who changed a field: its owner's manager, and the person behind it when known.
type writer struct{ manager, user string }

// changedBy returns who changed fields, deduplicated and sorted: the field managers of their
// owners, each with the person the owner names.
func changedBy(fields []diff.Field) []writer {
	var who []writer
	for _, f := range fields {
		if f.Owner != nil && f.Owner.Manager != "" {
			who = append(who, writer{f.Owner.Manager, f.Owner.User})
		}
	}
	slices.SortFunc(who, func(a, b writer) int {
		return cmp.Or(strings.Compare(a.manager, b.manager), strings.Compare(a.user, b.user))
	})
	return slices.Compact(who)
}

// markdownAction returns the action shown for r, as the text report shows it.
func markdownAction(r Resource) Action {
	if r.Action == ActionNone {
		return ActionDetected
	}
	return r.Action
}

// resourceName returns kind/namespace/name, or kind/name for a cluster-scoped resource.
func resourceName(r Resource) string {
	if r.Namespace == "" {
		return r.Kind + "/" + r.Name
	}
	return r.Kind + "/" + r.Namespace + "/" + r.Name
}

// markdownValue returns a field value for a table cell: formatted as the text report formats
// it, in a code span; an empty string reads "*empty*".
func markdownValue(v any) string {
	s := formatValue(v)
	if s == "" {
		return "*empty*"
	}
	return cellCode(s)
}

// plural returns "1 field" or "n fields".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
