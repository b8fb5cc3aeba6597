// Package check runs the drift check: it compiles a loaded manifest set into targets (policy,
// ignore paths and schema resolved once), reads their live copies from a LiveSource, diffs each
// one, and builds the report. The CLI's --once, its loop, and the auditor all run it through
// Runner.RunOnce.
package check
