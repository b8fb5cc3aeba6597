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
		DesiredOptions: DesiredOptions{Manifests: "m", Namespace: "apps", Kubeconfig: "kc", IgnoreFields: []string{"spec.replicas"}},
		CertDir:        "certs", WebhookPort: 10443, WebhookConfiguration: "drift-dev",
		Enforcement:             "deny",
		ExemptUsers:             []string{"flux", "system:serviceaccount:flux-system:kustomize-controller"},
		ExemptGroups:            []string{"gitops", "admins"},
		MetricsBindAddress:      "0",
		HealthProbeBindAddress:  ":9000",
		ReloadInterval:          5 * time.Second,
		AuditInterval:           30 * time.Second,
		NoWebhook:               true,
		RemediationOptions:      RemediationOptions{Remediate: true, RemediationStrategy: "replace"},
		RemediationQPS:          0.5,
		LeaderElect:             true,
		LeaderElectionNamespace: "ops",
		Log:                     LogOptions{Level: "info", Format: "auto"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
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
		{name: "no manifests", args: nil, want: "--manifests is required"},
		{name: "bad enforcement", args: []string{"--manifests", "m", "--enforcement", "off"}, want: "--enforcement"},
		{name: "bad port", args: []string{"--manifests", "m", "--webhook-port", "0"}, want: "--webhook-port 0"},
		{name: "bad ignore path", args: []string{"--manifests", "m", "--ignore-fields", "spec[[x"}, want: "--ignore-fields"},
		{name: "extra argument", args: []string{"--manifests", "m", "extra"}, want: "unknown command"},
		{name: "nothing to serve", args: []string{"--manifests", "m", "--no-webhook", "--no-audit"}, want: "leave nothing to serve"},
		{name: "remediate without auditor", args: []string{"--manifests", "m", "--no-audit", "--remediate"}, want: "--remediate needs the auditor"},
		{name: "bad strategy", args: []string{"--manifests", "m", "--remediation-strategy", "patch"}, want: "--remediation-strategy"},
		{name: "bad audit interval", args: []string{"--manifests", "m", "--audit-interval", "0"}, want: "--audit-interval 0s"},
		{name: "bad qps", args: []string{"--manifests", "m", "--remediation-qps", "0"}, want: "--remediation-qps 0"},
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
