package app_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/version"
)

func TestVersion(t *testing.T) {
	prog := app.Program{Version: "v0.3.0-2-g4c39080", Commit: "4c39080abcdef0123456789abcdef0123456789a", Date: "2026-12-04T09:30:00Z"}
	// A test binary's build info lists no modules, so client-go's version reads "unknown" here;
	// cmd/gitops-drift's TestStamp checks it in a real build.
	clientGo := version.Get(version.Stamp{}).ClientGoVersion
	wantText := "Version:    v0.3.0-2-g4c39080\n" +
		"Git commit: 4c39080abcdef0123456789abcdef0123456789a\n" +
		"Build date: 2026-12-04T09:30:00Z\n" +
		"Go version: " + runtime.Version() + "\n" +
		"client-go:  " + clientGo + "\n" +
		"Platform:   " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	wantJSON := map[string]string{
		"version":         "v0.3.0-2-g4c39080",
		"commit":          "4c39080abcdef0123456789abcdef0123456789a",
		"buildDate":       "2026-12-04T09:30:00Z",
		"goVersion":       runtime.Version(),
		"clientGoVersion": clientGo,
		"platform":        runtime.GOOS + "/" + runtime.GOARCH,
	}
	tests := []struct {
		name     string
		args     []string
		wantJSON bool
	}{
		{name: "version", args: []string{"version"}},
		{name: "version -o text", args: []string{"version", "-o", "text"}},
		{name: "version -o json", args: []string{"version", "-o", "json"}, wantJSON: true},
		{name: "--version", args: []string{"--version"}},
		{name: "--version -o json", args: []string{"--version", "--output", "json"}, wantJSON: true},
		{name: "--version wins over check flags", args: []string{"--version", "--manifests", "d", "--once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := prog.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, tt.args)
			if code != app.ExitOK || errOut.Len() != 0 {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut.String())
			}
			if !tt.wantJSON {
				if diff := cmp.Diff(wantText, out.String()); diff != "" {
					t.Errorf("text mismatch (-want +got):\n%s", diff)
				}
				return
			}
			var got map[string]string
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("not a JSON object of strings: %v\n%s", err, out.String())
			}
			if diff := cmp.Diff(wantJSON, got); diff != "" {
				t.Errorf("JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVersionBadOutputExit2(t *testing.T) {
	for _, args := range [][]string{{"version", "-o", "yaml"}, {"--version", "-o", "markdown"}, {"version", "extra"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, args)
			if code != app.ExitError || out.Len() != 0 || !strings.Contains(errOut.String(), "error:") {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, an error and no output", code, out.String(), errOut.String())
			}
		})
	}
}
