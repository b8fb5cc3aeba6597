package app

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"

	"github.com/gitops-drift/gitops-drift/certs"
)

func TestCertRotationFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantErr    string
		wantSecret types.NamespacedName
		wantRenew  certs.RenewOptions
	}{
		{
			name:       "defaults",
			args:       []string{"--cert-rotation", "--cert-hosts", "gitops-drift-webhook.drift-system.svc,127.0.0.1"},
			wantSecret: types.NamespacedName{Namespace: "drift-system", Name: "gitops-drift-webhook-tls"},
			wantRenew: certs.RenewOptions{DNSNames: []string{"gitops-drift-webhook.drift-system.svc"}, IPs: []net.IP{net.ParseIP("127.0.0.1")},
				CertValidity: 365 * 24 * time.Hour, CAValidity: 10 * 365 * 24 * time.Hour},
		},
		{
			name:       "a Secret elsewhere, a month",
			args:       []string{"--cert-rotation", "--cert-hosts", "a.svc", "--cert-secret", "ops/tls", "--cert-validity", "720h"},
			wantSecret: types.NamespacedName{Namespace: "ops", Name: "tls"},
			wantRenew:  certs.RenewOptions{DNSNames: []string{"a.svc"}, CertValidity: 720 * time.Hour, CAValidity: 7200 * time.Hour},
		},
		{name: "no hosts", args: []string{"--cert-rotation"}, wantErr: "--cert-hosts"},
		{name: "hosts without rotation", args: []string{"--cert-hosts", "a.svc"}, wantErr: "need --cert-rotation"},
		{name: "no webhook", args: []string{"--cert-rotation", "--cert-hosts", "a.svc", "--no-webhook"}, wantErr: "--no-webhook"},
		{name: "no configuration", args: []string{"--cert-rotation", "--cert-hosts", "a.svc", "--webhook-configuration", ""}, wantErr: "--webhook-configuration"},
		{name: "bad Secret", args: []string{"--cert-rotation", "--cert-hosts", "a.svc", "--cert-secret", "a/b/c"}, wantErr: "NAMESPACE/NAME"},
		{name: "negative validity", args: []string{"--cert-rotation", "--cert-hosts", "a.svc", "--cert-validity", "-1h"}, wantErr: "must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseServe(t, append([]string{"--manifests", "m"}, tt.args...)...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v; want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantSecret, got.secretKey()); diff != "" {
				t.Errorf("Secret (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRenew, got.renewOptions()); diff != "" {
				t.Errorf("renew options (-want +got):\n%s", diff)
			}
		})
	}
}
