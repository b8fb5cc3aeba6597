package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/test/golden"
)

func TestTextGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		report Report
	}{
		{name: "drift", golden: "drift.txt", report: New("3f2a1b4c5d6e", driftedResources())},
		{name: "clean", golden: "clean.txt", report: New("3f2a1b4c5d6e", inSyncResources())},
		{name: "clean without git", golden: "clean-nogit.txt", report: New("", inSyncResources())},
		{name: "nothing checked", golden: "empty.txt", report: New("", nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Text(&b, tt.report); err != nil {
				t.Fatalf("Text() error = %v", err)
			}
			golden.Check(t, tt.golden, b.Bytes())
		})
	}
}

func TestTextResource(t *testing.T) {
	tests := []struct {
		name string
		res  Resource
		want string
	}{
		{
			name: "cluster-scoped, no fields",
			res:  Resource{Kind: "Namespace", Name: "demo", Status: StatusDrifted, Action: ActionDryRun},
			want: "Namespace/demo\n  Action : drift-detected (dry-run)\n  Fields : 0 drifted\n\n",
		},
		{
			name: "missing",
			res:  Resource{Kind: "Service", Namespace: "a", Name: "b", Status: StatusMissing},
			want: "Service/b (ns: a)\n  Action : drift-detected\n" +
				"  Status : missing (not found in the cluster)\n\n",
		},
		{
			name: "error",
			res:  Resource{Kind: "Widget", Namespace: "a", Name: "b", Status: StatusError, Action: ActionRemediationFailed, Error: "boom"},
			want: "Widget/b (ns: a)\n  Action : remediation-failed\n  Status : error\n  Error  : boom\n\n",
		},
		{
			name: "field values",
			res: Resource{Kind: "ConfigMap", Namespace: "a", Name: "b", Status: StatusDrifted, Action: ActionDetected,
				Fields: []diff.Field{{Path: "data.x", Desired: nil, Live: "<masked>"}}},
			want: "ConfigMap/b (ns: a)\n  Action : drift-detected\n  Fields : 1 drifted\n" +
				"    - data.x\n        desired : <absent>\n        live    : <masked>\n\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeResource(&b, tt.res)
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("writeResource() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatValue(t *testing.T) {
	long := strings.Repeat("é", 250)
	tests := []struct {
		name string
		in   any
		want string
	}{
		{name: "nil", in: nil, want: "<absent>"},
		{name: "string raw", in: `say "hi"`, want: `say "hi"`},
		{name: "empty string", in: "", want: ""},
		{name: "int64", in: int64(42), want: "42"},
		{name: "float64", in: 0.25, want: "0.25"},
		{name: "bool", in: true, want: "true"},
		{name: "map sorted compact", in: map[string]any{"memory": "1Gi", "cpu": "500m"}, want: `{"cpu":"500m","memory":"1Gi"}`},
		{name: "list", in: []any{"a", int64(1), nil}, want: `["a",1,null]`},
		{name: "no HTML escaping", in: map[string]any{"a": "<b>&"}, want: `{"a":"<b>&"}`},
		{name: "empty map", in: map[string]any{}, want: "{}"},
		{name: "long string cut by characters", in: long, want: strings.Repeat("é", 200) + "…"},
		{name: "exactly 200 kept", in: strings.Repeat("x", 200), want: strings.Repeat("x", 200)},
		{name: "long JSON cut", in: []any{strings.Repeat("y", 300)}, want: `["` + strings.Repeat("y", 198) + "…"},
		// Characters a terminal acts on or does not show are quoted, as a line break is: raw,
		// "a\tb" printed as "a	b" and a trailing escape sequence left desired and live
		// looking alike.
		{name: "tab quoted", in: "a\tb", want: `"a\tb"`},
		{name: "escape sequence quoted", in: "red\x1b[31m", want: `"red\x1b[31m"`},
		{name: "zero-width space quoted", in: "a\u200bb", want: `"a\u200bb"`},
		{name: "not UTF-8 quoted", in: "a\xffb", want: `"a\xffb"`},
		{name: "printable non-ASCII raw", in: "café ☕", want: "café ☕"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, formatValue(tt.in)); diff != "" {
				t.Errorf("formatValue(%v) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextWriteError(t *testing.T) {
	if err := Text(failingWriter{}, New("", nil)); err == nil {
		t.Error("Text() error = nil, want the writer's error")
	}
}

func TestTextFailedRemediationAndMultilineValues(t *testing.T) {
	r := New("abc", []Resource{{
		APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "cfg",
		Status: StatusDrifted, Action: ActionRemediationFailed, Error: "conflict: gave up after 4 attempts",
		Fields: []diff.Field{{Path: "data.script", Desired: "echo a\necho b", Live: "echo c"}},
	}})
	var b strings.Builder
	if err := Text(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  Action : remediation-failed\n  Error  : conflict: gave up after 4 attempts\n  Fields : 1 drifted\n",
		`desired : "echo a\necho b"`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}
