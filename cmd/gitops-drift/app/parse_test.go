package app_test

import (
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

func TestParseServeArgs(t *testing.T) {
	got, err := app.ParseServeArgs([]string{"--manifests", "/desired", "--webhook-port=10443", "--log-format", "json"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifests != "/desired" || got.WebhookPort != 10443 || got.Log.Format != "json" || got.Enforcement != "warn" {
		t.Errorf("ParseServeArgs = %+v; want manifests /desired, port 10443, log format json, enforcement warn", got)
	}
}

func TestParseServeArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown flag", args: []string{"--manifests", "m", "--no-such-flag"}, want: "unknown flag: --no-such-flag"},
		{name: "invalid", args: []string{"--manifests", "m", "--enforcement", "off"}, want: "--enforcement"},
		{name: "positional", args: []string{"--manifests", "m", "extra"}, want: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.ParseServeArgs(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseServeArgs(%q) = %v, %v; want an error containing %q", tt.args, got, err, tt.want)
			}
		})
	}
}
