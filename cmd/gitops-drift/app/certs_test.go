package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"
)

func TestCertsCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	streams := IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &bytes.Buffer{}}
	cmd := newCertsCommand(streams, RunCerts)
	cmd.SetArgs([]string{"--out", dir, "--dns-name", "gitops-drift-webhook.drift-system.svc", "--ip", "127.0.0.1"})
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := tls.LoadX509KeyPair(filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "ca.crt")) {
		t.Errorf("output %q does not name ca.crt", out.String())
	}
}

func TestCertsValidate(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{args: []string{"--dns-name", "x"}, want: "--out is required"},
		{args: []string{"--out", "d"}, want: "--dns-name or --ip"},
		{args: []string{"--out", "d", "--ip", "nope"}, want: `--ip "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			cmd := newCertsCommand(IOStreams{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, func(context.Context, IOStreams, *CertsOptions) error { return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			if err := cmd.ExecuteContext(t.Context()); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
