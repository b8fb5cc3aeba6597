package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

// parse runs the command with args and a run func that only records the options.
func parse(t *testing.T, args ...string) (*app.CheckOptions, string, error) {
	t.Helper()
	var got *app.CheckOptions
	var errOut bytes.Buffer
	streams := app.IOStreams{Out: &bytes.Buffer{}, ErrOut: &errOut}
	cmd := app.NewCommand(streams, func(_ context.Context, _ app.IOStreams, o *app.CheckOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(t.Context())
	return got, errOut.String(), err
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want func(o *app.CheckOptions)
	}{
		{"defaults", []string{"--manifests", "d"}, func(o *app.CheckOptions) {}},
		{"interval in seconds", []string{"--manifests", "d", "--interval", "90"}, func(o *app.CheckOptions) { o.Interval = 90 * time.Second }},
		{"interval as duration", []string{"--manifests", "d", "--interval", "2m"}, func(o *app.CheckOptions) { o.Interval = 2 * time.Minute }},
		{"no-dry-run", []string{"--manifests", "d", "--no-dry-run"}, func(o *app.CheckOptions) { o.NoDryRun, o.DryRun = true, false }},
		{"remediate turns dry-run off", []string{"--manifests", "d", "--remediate"}, func(o *app.CheckOptions) { o.Remediate, o.DryRun = true, false }},
		{"remediation strategy defaults to apply", []string{"--manifests", "d", "--remediate"}, func(o *app.CheckOptions) {
			o.Remediate, o.DryRun, o.RemediationStrategy = true, false, "apply"
		}},
		{"remediation strategy replace", []string{"--manifests", "d", "--remediate", "--remediation-strategy", "replace"}, func(o *app.CheckOptions) {
			o.Remediate, o.DryRun, o.RemediationStrategy = true, false, "replace"
		}},
		{"remediation strategy without remediate writes nothing", []string{"--manifests", "d", "--remediation-strategy=replace"}, func(o *app.CheckOptions) {
			o.RemediationStrategy = "replace"
		}},
		{"ignore fields keep commas inside brackets", []string{"--manifests", "d", "--ignore-fields", "spec.replicas,spec.ports[port=80,protocol=TCP].nodePort", "--ignore-fields", `metadata.labels["a.b/c"]`},
			func(o *app.CheckOptions) {
				o.IgnoreFields = []string{"spec.replicas,spec.ports[port=80,protocol=TCP].nodePort", `metadata.labels["a.b/c"]`}
			}},
		{"manual managers off", []string{"--manifests", "d", "--manual-managers", ""}, func(o *app.CheckOptions) { o.ManualManagers = []string{} }},
		{"manual managers replaced", []string{"--manifests", "d", "--manual-managers", "kubectl-edit,k9s"}, func(o *app.CheckOptions) {
			o.ManualManagers = []string{"kubectl-edit", "k9s"}
		}},
		{"everything", []string{"--manifests", "d", "-n", "demo", "--once", "--kubeconfig", "k", "--context", "c", "-o", "json", "--fail-on-drift", "--log-level", "debug", "--log-format", "json"},
			func(o *app.CheckOptions) {
				o.Namespace, o.Once, o.Kubeconfig, o.Context, o.Output, o.FailOnDrift = "demo", true, "k", "c", "json", true
				o.Log = app.LogOptions{Level: "debug", Format: "json"}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := parse(t, tc.args...)
			if err != nil {
				t.Fatal(err)
			}
			want := app.NewCheckOptions()
			want.Manifests = "d"
			tc.want(want)
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(app.CheckOptions{}), ignoreParsed); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// ignoreParsed skips the parsed ignore paths (tested in pkg/diff).
var ignoreParsed = cmp.FilterPath(func(p cmp.Path) bool { return strings.HasSuffix(p.String(), "ignore") }, cmp.Ignore())

func TestBadFlagsExit2(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{}, "--manifests or --git-url is required"},
		{[]string{"--manifests", "d", "--git-url", "file:///r.git"}, "--manifests and --git-url cannot be combined"},
		{[]string{"--manifests", "d", "--git-token-file", "t"}, "--git-token-file: need --git-url"},
		{[]string{"--git-url", "file:///r.git", "--git-token-file", "t", "--git-ssh-key-file", "k"}, "cannot be combined"},
		{[]string{"--manifests", "d", "--output", "yaml"}, `--output "yaml": want text or json`},
		{[]string{"--manifests", "d", "--interval", "soon"}, "want a duration"},
		{[]string{"--manifests", "d", "--interval", "0"}, "must be positive"},
		{[]string{"--manifests", "d", "--log-level", "loud"}, "--log-level"},
		{[]string{"--manifests", "d", "--ignore-fields", "spec.x["}, "--ignore-fields"},
		{[]string{"--manifests", "d", "--dry-run", "--remediate"}, "cannot be combined"},
		{[]string{"--manifests", "d", "--remediate", "--remediation-strategy", "merge"}, `--remediation-strategy: invalid remediation strategy "merge": want "apply" or "replace"`},
		{[]string{"--manifests", "d", "--remediation-strategy", "APPLY"}, "--remediation-strategy"},
		{[]string{"--manifests", "d", "--no-such-flag"}, "unknown flag"},
		{[]string{"--manifests", "d", "extra-arg"}, "unknown command"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, tc.args)
			if code != app.ExitError {
				t.Errorf("exit code = %d, want %d", code, app.ExitError)
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr = %q, want it to contain %q", errOut.String(), tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out.String())
			}
		})
	}
}
