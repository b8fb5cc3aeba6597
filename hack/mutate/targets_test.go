package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTargets(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Target
		wantErr string
	}{
		{"directories and files", "# comment\n\npkg/diff\npkg/check  handedit.go desired.go\n./webhook/ handler.go\n",
			[]Target{{Dir: "pkg/diff", Include: []string{}}, {Dir: "pkg/check", Include: []string{"handedit.go", "desired.go"}}, {Dir: "webhook", Include: []string{"handler.go"}}}, ""},
		{"a test file", "pkg/diff compare_test.go\n", nil, `line 1: "compare_test.go" is not a file name of a non-test Go file`},
		{"a path", "pkg/diff sub/x.go\n", nil, `line 1: "sub/x.go" is not a file name`},
		{"twice", "pkg/diff\npkg/policy\npkg/diff x.go\n", nil, "line 3: pkg/diff listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTargets(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseTargets() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseTargets() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	srcs := []string{"a.go", "b.go", "c.go"}
	tests := []struct {
		name          string
		include       []string
		wantMutated   []string
		wantExcludes  []string
		wantErrSubstr string
	}{
		{"all", nil, srcs, nil, ""},
		{"some", []string{"c.go", "a.go"}, []string{"a.go", "c.go"}, []string{"--exclude-files", `^b\.go$`}, ""},
		{"a file that is gone", []string{"a.go", "gone.go"}, nil, nil, "pkg/x: no file gone.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mutated, excluded, err := Target{Dir: "pkg/x", Include: tt.include}.split(srcs)
			if tt.wantErrSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrSubstr) {
					t.Fatalf("split() error = %v, want %q", err, tt.wantErrSubstr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantMutated, mutated); diff != "" {
				t.Errorf("mutated (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantExcludes, excludeFlags(excluded)); diff != "" {
				t.Errorf("exclude flags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSources(t *testing.T) {
	got, err := sources("testdata/viable")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"viable.go"}, got); diff != "" {
		t.Errorf("sources() (-want +got):\n%s", diff)
	}
}
