package report

import (
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []Resource
		want Summary
	}{
		{name: "none", in: nil, want: Summary{}},
		{name: "in sync", in: inSyncResources(), want: Summary{Resources: 2}},
		{
			name: "every status",
			in:   driftedResources(),
			want: Summary{Resources: 7, Drifted: 4, Fields: 8, Missing: 1, Errors: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Summarize(tt.in)); diff != "" {
				t.Errorf("Summarize() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNew(t *testing.T) {
	in := []Resource{
		{Kind: "Service", Namespace: "b", Name: "x", Status: StatusInSync},
		{Kind: "ConfigMap", Namespace: "b", Name: "a", Status: StatusDrifted,
			Fields: []diff.Field{{Path: "data.k", Desired: "1", Live: "2"}}},
		{Kind: "ConfigMap", Namespace: "a", Name: "z", Status: StatusMissing},
		{Kind: "Namespace", Name: "b", Status: StatusInSync},
		{Kind: "ConfigMap", Namespace: "a", Name: "y", Status: StatusError, Error: "boom"},
	}
	want := Report{
		Revision: "abc",
		Summary:  Summary{Resources: 5, Drifted: 1, Fields: 1, Missing: 1, Errors: 1},
		Resources: []Resource{
			{Kind: "ConfigMap", Namespace: "a", Name: "y", Status: StatusError, Error: "boom", Fields: []diff.Field{}},
			{Kind: "ConfigMap", Namespace: "a", Name: "z", Status: StatusMissing, Fields: []diff.Field{}},
			{Kind: "ConfigMap", Namespace: "b", Name: "a", Status: StatusDrifted,
				Fields: []diff.Field{{Path: "data.k", Desired: "1", Live: "2"}}},
			{Kind: "Namespace", Name: "b", Status: StatusInSync, Fields: []diff.Field{}},
			{Kind: "Service", Namespace: "b", Name: "x", Status: StatusInSync, Fields: []diff.Field{}},
		},
	}
	inKind := in[0].Kind
	got := New("abc", in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("New() mismatch (-want +got):\n%s", diff)
	}
	if in[0].Kind != inKind || in[0].Fields != nil {
		t.Error("New() modified its argument")
	}
}

func TestNewEmpty(t *testing.T) {
	got := New("", nil)
	if got.Resources == nil {
		t.Error("New(nil).Resources = nil, want an empty slice")
	}
}

func TestContestedBy(t *testing.T) {
	tests := []struct {
		manager string
		want    Action
	}{
		{"kube-controller-manager", "remediation-contested (by kube-controller-manager)"},
		{"", "remediation-contested"},
	}
	for _, tt := range tests {
		if got := ContestedBy(tt.manager); got != tt.want || !got.IsContested() {
			t.Errorf("ContestedBy(%q) = %q (contested: %v), want %q", tt.manager, got, got.IsContested(), tt.want)
		}
	}
	for _, a := range []Action{ActionRemediated, ActionRemediationFailed, "remediation-contested-ish"} {
		if a.IsContested() {
			t.Errorf("%q.IsContested() = true", a)
		}
	}
}
