package app

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// exit is what a --once run ends with: its exit code and what Main prints to stderr.
type exit struct {
	Code   int
	Stderr string
}

// TestOutcome pins README's "Exit codes" table for a --once check, from its report alone:
// drifted or missing resources exit 1 under --fail-on-drift (even once repaired) and 0
// without it; a resource that could not be read or repaired exits 2 either way.
func TestOutcome(t *testing.T) {
	inSync := report.Resource{Kind: "ConfigMap", Name: "same", Status: report.StatusInSync}
	drifted := report.Resource{Kind: "ConfigMap", Name: "drifted", Status: report.StatusDrifted, Action: report.ActionDryRun,
		Fields: []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}}
	missing := report.Resource{Kind: "ConfigMap", Name: "missing", Status: report.StatusMissing, Action: report.ActionDryRun}
	remediated := drifted
	remediated.Action = report.ActionRemediated
	created := missing
	created.Action = report.ActionCreated
	failed := drifted
	failed.Action, failed.Error = report.ActionRemediationFailed, "conflict"
	unreadable := report.Resource{Kind: "ConfigMap", Name: "secret-ish", Status: report.StatusError, Error: "forbidden"}

	tests := []struct {
		name        string
		resources   []report.Resource
		failOnDrift bool
		want        exit
	}{
		{"nothing tracked", nil, true, exit{Code: ExitOK}},
		{"in sync", []report.Resource{inSync}, true, exit{Code: ExitOK}},
		{"drifted, without --fail-on-drift", []report.Resource{inSync, drifted}, false, exit{Code: ExitOK}},
		{"missing, without --fail-on-drift", []report.Resource{inSync, missing}, false, exit{Code: ExitOK}},
		{"drifted", []report.Resource{inSync, drifted}, true, exit{Code: ExitDrift}},
		{"missing only", []report.Resource{inSync, missing}, true, exit{Code: ExitDrift}},
		{"drifted and missing", []report.Resource{drifted, missing}, true, exit{Code: ExitDrift}},
		{"drift repaired", []report.Resource{remediated}, true, exit{Code: ExitDrift}},
		{"missing object created", []report.Resource{created}, true, exit{Code: ExitDrift}},
		{"repaired, without --fail-on-drift", []report.Resource{remediated, created}, false, exit{Code: ExitOK}},
		{"remediation failed", []report.Resource{inSync, failed}, false,
			exit{Code: ExitError, Stderr: "error: 1 resource(s) could not be remediated\n"}},
		{"remediation failed beats drift", []report.Resource{failed, missing}, true,
			exit{Code: ExitError, Stderr: "error: 1 resource(s) could not be remediated\n"}},
		{"unreadable", []report.Resource{inSync, unreadable}, false,
			exit{Code: ExitError, Stderr: "error: 1 resource(s) could not be checked\n"}},
		{"unreadable beats drift", []report.Resource{unreadable, unreadable, drifted, missing}, true,
			exit{Code: ExitError, Stderr: "error: 2 resource(s) could not be checked\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := exitCode(outcome(report.New("rev", tt.resources), tt.failOnDrift), &stderr)
			if diff := cmp.Diff(tt.want, exit{Code: code, Stderr: stderr.String()}); diff != "" {
				t.Errorf("exit of a --once run (-want +got):\n%s", diff)
			}
		})
	}
}

// TestExitCode pins how Main maps a command's error to the process exit code: drift exits 1
// silently (the report said it all), any other failure exits 2, or its own code, and is
// printed.
func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want exit
	}{
		{"success", nil, exit{Code: ExitOK}},
		{"drift", errDrift, exit{Code: ExitDrift}},
		{"drift, wrapped", fmt.Errorf("check: %w", errDrift), exit{Code: ExitDrift}},
		{"failure with a code", withCode(ExitError, errors.New("cluster unreachable")),
			exit{Code: ExitError, Stderr: "error: cluster unreachable\n"}},
		{"failure with another code", fmt.Errorf("serve: %w", withCode(3, errors.New("port taken"))),
			exit{Code: 3, Stderr: "error: serve: port taken\n"}},
		{"failure without a code", errors.New("boom"), exit{Code: ExitError, Stderr: "error: boom\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := exitCode(tt.err, &stderr)
			if diff := cmp.Diff(tt.want, exit{Code: code, Stderr: stderr.String()}); diff != "" {
				t.Errorf("exitCode(%v) (-want +got):\n%s", tt.err, diff)
			}
		})
	}
}
