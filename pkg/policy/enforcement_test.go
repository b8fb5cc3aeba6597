package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEnforcement(t *testing.T) {
	tests := []struct {
		in      string
		want    Enforcement
		wantErr bool
	}{
		{in: "warn", want: EnforcementWarn},
		{in: "deny", want: EnforcementDeny},
		{in: "audit", want: EnforcementAudit},
		{in: "off", wantErr: true}, // per-object only
		{in: "", wantErr: true},
		{in: "DENY", wantErr: true},
		{in: "block", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEnforcement(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseEnforcement(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseEnforcement(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestEffective(t *testing.T) {
	tests := []struct {
		global, override, want Enforcement
	}{
		{global: EnforcementWarn, override: "", want: EnforcementWarn},
		{global: EnforcementDeny, override: "", want: EnforcementDeny},
		{global: EnforcementAudit, override: "", want: EnforcementAudit},
		{global: EnforcementWarn, override: EnforcementDeny, want: EnforcementDeny},
		{global: EnforcementDeny, override: EnforcementWarn, want: EnforcementWarn},
		{global: EnforcementAudit, override: EnforcementDeny, want: EnforcementDeny},
		{global: EnforcementAudit, override: EnforcementWarn, want: EnforcementWarn},
		{global: EnforcementWarn, override: EnforcementOff, want: EnforcementOff},
		{global: EnforcementDeny, override: EnforcementOff, want: EnforcementOff},
		{global: EnforcementAudit, override: EnforcementOff, want: EnforcementOff},
		{global: EnforcementDeny, override: EnforcementDeny, want: EnforcementDeny},
	}
	for _, tt := range tests {
		t.Run(string(tt.global)+"/"+string(tt.override), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.global.Effective(tt.override)); diff != "" {
				t.Errorf("%q.Effective(%q) mismatch (-want +got):\n%s", tt.global, tt.override, diff)
			}
		})
	}
}
