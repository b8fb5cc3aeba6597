package policy

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFromAnnotations(t *testing.T) {
	def := Policy{Remediation: RemediationAuto}
	tests := []struct {
		name    string
		in      map[string]string
		want    Policy
		wantErr []string // substrings of the error; nil means no error
	}{
		{name: "nil map", in: nil, want: def},
		{name: "unrelated annotations", in: map[string]string{"app": "web"}, want: def},
		{name: "skip true", in: map[string]string{AnnotationSkip: "true"}, want: Policy{Skip: true, Remediation: RemediationAuto}},
		{name: "skip false", in: map[string]string{AnnotationSkip: "false"}, want: def},
		{name: "skip trimmed", in: map[string]string{AnnotationSkip: " true\n"}, want: Policy{Skip: true, Remediation: RemediationAuto}},
		{
			name:    "skip invalid",
			in:      map[string]string{AnnotationSkip: "yes"},
			wantErr: []string{AnnotationSkip, `"yes"`},
		},
		{
			name: "ignore fields",
			in:   map[string]string{AnnotationIgnoreFields: " spec.replicas ,, metadata.labels.team ,"},
			want: Policy{IgnoreFields: []string{"spec.replicas", "metadata.labels.team"}, Remediation: RemediationAuto},
		},
		{
			name: "ignore fields with commas in brackets",
			in: map[string]string{AnnotationIgnoreFields: "spec.ports[port=80,protocol=TCP].nodePort,\n" +
				"spec.template.spec.containers[name=web].image"},
			want: Policy{IgnoreFields: []string{
				"spec.ports[port=80,protocol=TCP].nodePort",
				"spec.template.spec.containers[name=web].image",
			}, Remediation: RemediationAuto},
		},
		{name: "ignore fields empty", in: map[string]string{AnnotationIgnoreFields: " , "}, want: def},
		{
			name:    "ignore fields unclosed bracket",
			in:      map[string]string{AnnotationIgnoreFields: "spec.ports[port=80,protocol=TCP"},
			wantErr: []string{AnnotationIgnoreFields, "unclosed"},
		},
		{
			name:    "ignore fields stray bracket",
			in:      map[string]string{AnnotationIgnoreFields: "a],b"},
			wantErr: []string{AnnotationIgnoreFields, "']'"},
		},
		{name: "remediation alert", in: map[string]string{AnnotationRemediationPolicy: "alert"}, want: Policy{Remediation: RemediationAlert}},
		{name: "remediation auto", in: map[string]string{AnnotationRemediationPolicy: "auto"}, want: def},
		{
			name:    "remediation unknown",
			in:      map[string]string{AnnotationRemediationPolicy: "manual"},
			wantErr: []string{AnnotationRemediationPolicy, `"manual"`},
		},
		{
			name:    "remediation empty",
			in:      map[string]string{AnnotationRemediationPolicy: ""},
			wantErr: []string{AnnotationRemediationPolicy},
		},
		{name: "enforcement deny", in: map[string]string{AnnotationEnforcement: "deny"}, want: Policy{Remediation: RemediationAuto, Enforcement: EnforcementDeny}},
		{name: "enforcement warn", in: map[string]string{AnnotationEnforcement: "warn"}, want: Policy{Remediation: RemediationAuto, Enforcement: EnforcementWarn}},
		{name: "enforcement off", in: map[string]string{AnnotationEnforcement: "off"}, want: Policy{Remediation: RemediationAuto, Enforcement: EnforcementOff}},
		{
			name:    "enforcement audit is global only",
			in:      map[string]string{AnnotationEnforcement: "audit"},
			wantErr: []string{AnnotationEnforcement, `"audit"`},
		},
		{
			name:    "enforcement wrong case",
			in:      map[string]string{AnnotationEnforcement: "Deny"},
			wantErr: []string{AnnotationEnforcement, `"Deny"`},
		},
		{
			name: "all set",
			in: map[string]string{
				AnnotationSkip:              "false",
				AnnotationIgnoreFields:      "spec.replicas",
				AnnotationRemediationPolicy: "alert",
				AnnotationEnforcement:       "deny",
			},
			want: Policy{IgnoreFields: []string{"spec.replicas"}, Remediation: RemediationAlert, Enforcement: EnforcementDeny},
		},
		{
			name: "every error reported",
			in: map[string]string{
				AnnotationSkip:              "maybe",
				AnnotationRemediationPolicy: "never",
				AnnotationEnforcement:       "strict",
			},
			wantErr: []string{AnnotationSkip, AnnotationRemediationPolicy, AnnotationEnforcement},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromAnnotations(tt.in)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("FromAnnotations() error = nil, want one mentioning %q", tt.wantErr)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("FromAnnotations() error = %q, want it to mention %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("FromAnnotations() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FromAnnotations() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitPatterns(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string
		wantErr bool
	}{
		{name: "empty", in: "", want: nil},
		{name: "one", in: "a.b", want: []string{"a.b"}},
		{name: "nested brackets", in: "a[k=b[0],c],d", want: []string{"a[k=b[0],c]", "d"}},
		{name: "two selectors", in: "a[x=1,y=2].b[z=3,w=4], c", want: []string{"a[x=1,y=2].b[z=3,w=4]", "c"}},
		{name: "unclosed", in: "a[", wantErr: true},
		{name: "stray close", in: "a]", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splitPatterns(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("splitPatterns(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("splitPatterns(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
