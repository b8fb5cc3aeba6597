// Package report holds the result of one drift check (a Report of Resources) and renders it for
// people (Text), for machines (JSON) and for CI comments and job summaries (Markdown).
//
// Build a Report with New, which sorts the resources and fills the Summary; then write it with
// Text, JSON or Markdown. The renderings are byte-stable for the same Report, so they can be
// compared against golden files. Field values are printed as they arrive: Secret data must be
// masked before it reaches this package.
//
// The other components' messages show values, drifted fields and revisions as the reports do:
// FormatValue renders a value on one line, FieldList names drifted fields (and who changed
// them) within a byte limit, RevisionText names a Git revision.
package report
