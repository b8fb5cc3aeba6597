package app

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/source"
)

// parseServe runs `serve args` with a run func that only records the options.
func parseServe(t *testing.T, args ...string) (*ServeOptions, error) {
	t.Helper()
	var got *ServeOptions
	streams := IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	cmd := newServeCommand(streams, func(_ context.Context, _ IOStreams, o *ServeOptions) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	return got, cmd.ExecuteContext(t.Context())
}

func TestServeFlags(t *testing.T) {
	got, err := parseServe(t,
		"--manifests", "m", "--namespace", "apps", "--kubeconfig", "kc", "--cert-dir", "certs",
		"--webhook-port", "10443", "--webhook-configuration", "drift-dev", "--enforcement", "deny",
		"--exempt-users", "flux,system:serviceaccount:flux-system:kustomize-controller",
		"--exempt-groups", "gitops", "--exempt-groups", "admins",
		"--metrics-bind-address", "0", "--health-probe-bind-address", ":9000",
		"--reload-interval", "5", "--ignore-fields", "spec.replicas",
		"--audit-interval", "30s", "--no-webhook", "--remediate", "--remediation-strategy", "replace",
		"--remediation-qps", "0.5", "--leader-elect", "--leader-election-namespace", "ops",
	)
	if err != nil {
		t.Fatal(err)
	}
	want := &ServeOptions{
		DesiredOptions: DesiredOptions{Manifests: "m", Namespace: "apps", Kubeconfig: "kc", IgnoreFields: []string{"spec.replicas"}, Git: NewGitOptions(), ManualManagers: check.DefaultManualManagers()},
		CertDir:        "certs", WebhookPort: 10443, WebhookConfiguration: "drift-dev",
		Enforcement:             "deny",
		ExemptUsers:             []string{"flux", "system:serviceaccount:flux-system:kustomize-controller"},
		ExemptGroups:            []string{"gitops", "admins"},
		MetricsBindAddress:      "0",
		MetricsSecure:           true,
		HealthProbeBindAddress:  ":9000",
		ReloadInterval:          5 * time.Second,
		GitMaxStaleness:         10 * time.Minute,
		AuditInterval:           30 * time.Second,
		NoWebhook:               true,
		RemediationOptions:      RemediationOptions{Remediate: true, RemediationStrategy: "replace"},
		RemediationQPS:          0.5,
		PolicyReportAPI:         "openreports.io/v1alpha1",
		LeaderElect:             true,
		LeaderElectionNamespace: "ops",
		Log:                     LogOptions{Level: "info", Format: "auto"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

func TestServePolicyReportFlags(t *testing.T) {
	tests := []struct {
		args []string
		want policyreport.API
	}{
		{args: nil, want: ""},
		{args: []string{"--policy-reports"}, want: policyreport.OpenReports},
		{args: []string{"--policy-reports", "--policy-report-api", "wgpolicyk8s.io/v1alpha2"}, want: policyreport.WGPolicy},
		{args: []string{"--policy-report-api", "wgpolicyk8s.io/v1alpha2"}, want: ""},
	}
	for _, tt := range tests {
		got, err := parseServe(t, append([]string{"--manifests", "m"}, tt.args...)...)
		if err != nil {
			t.Fatal(err)
		}
		if api := got.policyReports(); api != tt.want {
			t.Errorf("%q: policy reports %q, want %q", tt.args, api, tt.want)
		}
	}
}

func TestServeGitFlags(t *testing.T) {
	got, err := parseServe(t, "--git-url", "git@example.com:org/deploy.git", "--git-ref", "v1", "--git-path", "overlays/prod",
		"--git-poll-interval", "30s", "--git-cache-dir", "/var/cache/gitops-drift", "--git-ssh-key-file", "/etc/git/identity",
		"--git-known-hosts-file", "/etc/git/known_hosts", "--git-timeout", "1m", "--git-max-staleness", "5m",
		"--git-refresh-secret-file", "/etc/git/refresh-secret")
	if err != nil {
		t.Fatal(err)
	}
	want := NewServeOptions()
	want.Git = GitOptions{
		URL: "git@example.com:org/deploy.git", Ref: "v1", Path: "overlays/prod", PollInterval: 30 * time.Second,
		CacheDir: "/var/cache/gitops-drift", Timeout: time.Minute,
		Auth: source.GitAuth{Username: "git", SSHKeyFile: "/etc/git/identity", KnownHostsFile: "/etc/git/known_hosts"},
	}
	want.GitMaxStaleness, want.GitRefreshSecretFile = 5*time.Minute, "/etc/git/refresh-secret"
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

func TestServeDefaults(t *testing.T) {
	got, err := parseServe(t, "--manifests", "m")
	if err != nil {
		t.Fatal(err)
	}
	want := NewServeOptions()
	want.Manifests = "m"
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
	if got.WebhookPort != 9443 || got.Enforcement != "warn" || got.WebhookConfiguration != "gitops-drift" {
		t.Errorf("defaults: port %d, enforcement %q, webhook configuration %q; want 9443, warn and gitops-drift", got.WebhookPort, got.Enforcement, got.WebhookConfiguration)
	}
	if got.AuditInterval != time.Minute || got.Remediate || got.RemediationStrategy != "apply" || got.RemediationQPS != 5 || got.LeaderElect {
		t.Errorf("defaults: audit interval %s, remediate %v with %q at %g/s, leader-elect %v; want 1m, off, apply, 5, off",
			got.AuditInterval, got.Remediate, got.RemediationStrategy, got.RemediationQPS, got.LeaderElect)
	}
	if diff := cmp.Diff([]string{"system:kube-controller-manager"}, got.ExemptUsers); diff != "" {
		t.Errorf("default exempt users (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"system:serviceaccounts:kube-system"}, got.ExemptGroups); diff != "" {
		t.Errorf("default exempt groups (-want +got):\n%s", diff)
	}
}

func TestServeValidate(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no manifests", args: nil, want: "--manifests or --git-url is required"},
		{name: "manifests and Git", args: []string{"--manifests", "m", "--git-url", "https://example.com/r.git"}, want: "--manifests and --git-url cannot be combined"},
		{name: "git flags without a URL", args: []string{"--manifests", "m", "--git-ref", "main", "--git-path", "deploy"}, want: "--git-path, --git-ref: need --git-url"},
		{name: "refresh without Git", args: []string{"--manifests", "m", "--git-refresh-secret-file", "s"}, want: "--git-refresh-secret-file: need --git-url"},
		{name: "refresh without metrics", args: []string{"--git-url", "https://example.com/r.git", "--git-refresh-secret-file", "s", "--metrics-bind-address", "0"}, want: "/git/refresh is served on the metrics server"},
		{name: "negative staleness", args: []string{"--git-url", "https://example.com/r.git", "--git-max-staleness", "-1s"}, want: "--git-max-staleness"},
		{name: "commit hash ref", args: []string{"--git-url", "https://example.com/r.git", "--git-ref", "0123456789012345678901234567890123456789"}, want: "commit hash"},
		{name: "bad poll interval", args: []string{"--git-url", "https://example.com/r.git", "--git-poll-interval", "0"}, want: "--git-poll-interval"},
		{name: "bad enforcement", args: []string{"--manifests", "m", "--enforcement", "off"}, want: "--enforcement"},
		{name: "bad port", args: []string{"--manifests", "m", "--webhook-port", "0"}, want: "--webhook-port 0"},
		{name: "bad ignore path", args: []string{"--manifests", "m", "--ignore-fields", "spec[[x"}, want: "--ignore-fields"},
		{name: "extra argument", args: []string{"--manifests", "m", "extra"}, want: "unknown command"},
		{name: "nothing to serve", args: []string{"--manifests", "m", "--no-webhook", "--no-audit"}, want: "leave nothing to serve"},
		{name: "remediate without auditor", args: []string{"--manifests", "m", "--no-audit", "--remediate"}, want: "--remediate needs the auditor"},
		{name: "bad strategy", args: []string{"--manifests", "m", "--remediation-strategy", "patch"}, want: "--remediation-strategy"},
		{name: "bad audit interval", args: []string{"--manifests", "m", "--audit-interval", "0"}, want: "--audit-interval 0s"},
		{name: "bad qps", args: []string{"--manifests", "m", "--remediation-qps", "0"}, want: "--remediation-qps 0"},
		{name: "bad report API", args: []string{"--manifests", "m", "--policy-reports", "--policy-report-api", "wgpolicyk8s.io/v1beta1"}, want: "--policy-report-api: unknown policy report API"},
		{name: "reports without auditor", args: []string{"--manifests", "m", "--no-audit", "--policy-reports"}, want: "--policy-reports needs the auditor"},
		{name: "metrics certificate for plain metrics", args: []string{"--manifests", "m", "--metrics-secure=false", "--metrics-cert-dir", "c"}, want: "--metrics-cert-dir: plain metrics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseServe(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRootHasSubcommands(t *testing.T) {
	cmd := NewCommand(IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, RunCheck)
	for _, name := range []string{"serve", "certs"} {
		if c, _, err := cmd.Find([]string{name}); err != nil || c.Name() != name {
			t.Errorf("root command has no %q subcommand (err %v)", name, err)
		}
	}
}

func TestLeaderElectionNamespace(t *testing.T) {
	if got := leaderElectionNamespace("ops"); got != "ops" {
		t.Errorf("explicit namespace: got %q, want ops", got)
	}
	if _, err := os.Stat(inClusterNamespaceFile); err == nil {
		t.Skip("running in a Pod")
	}
	if got := leaderElectionNamespace(""); got != "drift-system" {
		t.Errorf("outside a cluster: got %q, want drift-system", got)
	}
}
