package app_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
)

// TestPluginName checks that run as kubectl-gitops_drift (krew's naming of the kubectl plugin)
// the help names the command `kubectl gitops-drift`, and gitops-drift under any other name.
func TestPluginName(t *testing.T) {
	tests := []struct {
		binary     string
		wantPlugin bool
	}{
		{binary: "/home/me/.krew/bin/kubectl-gitops_drift", wantPlugin: true},
		{binary: "kubectl-gitops_drift", wantPlugin: true},
		{binary: "kubectl-gitops_drift.exe", wantPlugin: true},
		{binary: "kubectl-gitops_drift.EXE", wantPlugin: true},
		{binary: "/usr/local/bin/gitops-drift"},
		{binary: "gitops-drift.exe"},
		{binary: "kubectl-gitops-drift"}, // kubectl would look for kubectl-gitops_drift
		{binary: ""},
	}
	for _, tt := range tests {
		t.Run(tt.binary, func(t *testing.T) {
			prog := app.Program{Name: tt.binary}
			help := runProg(t, prog, app.ExitOK, "--help")
			serveHelp := runProg(t, prog, app.ExitOK, "serve", "--help")
			use, example, serveUse, other := "\n  gitops-drift (--manifests DIR | --git-url URL) [flags]\n",
				"\n  gitops-drift --manifests ./deploy --namespace prod --once --output markdown\n",
				"\n  gitops-drift serve ", "kubectl gitops-drift ("
			note := "installed on PATH as kubectl-gitops_drift (krew's\nnaming), it runs as `kubectl gitops-drift`."
			if tt.wantPlugin {
				use, example, serveUse, other = "\n  kubectl gitops-drift (--manifests DIR | --git-url URL) [flags]\n",
					"\n  kubectl gitops-drift --manifests ./deploy --namespace prod --once --output markdown\n",
					"\n  kubectl gitops-drift serve ", "\n  gitops-drift ("
				note = "Running as the kubectl plugin kubectl-gitops_drift."
			}
			for _, want := range []string{use, example, note} {
				if !strings.Contains(help, want) {
					t.Errorf("help lacks %q:\n%s", want, help)
				}
			}
			if strings.Contains(help, other) {
				t.Errorf("help has %q:\n%s", other, help)
			}
			if !strings.Contains(serveHelp, serveUse) {
				t.Errorf("serve's help lacks %q:\n%s", serveUse, serveHelp)
			}
		})
	}
}

// TestPluginWorksTheSame checks that the plugin's name changes the help alone: flags are
// parsed, validated and refused as they are under gitops-drift.
func TestPluginWorksTheSame(t *testing.T) {
	for _, binary := range []string{"gitops-drift", "kubectl-gitops_drift"} {
		t.Run(binary, func(t *testing.T) {
			prog := app.Program{Name: binary, Version: "v1.0.0"}
			if got := runProg(t, prog, app.ExitError, "--manifests", "d", "--output", "yaml"); got != "" {
				t.Errorf("stdout = %q, want nothing", got)
			}
			if got := runProg(t, prog, app.ExitOK, "version"); !strings.HasPrefix(got, "Version:    v1.0.0\n") {
				t.Errorf("version printed %q", got)
			}
		})
	}
}

// runProg runs prog with args, checks its exit code and returns its stdout.
func runProg(t *testing.T, prog app.Program, wantCode int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := prog.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, args); code != wantCode {
		t.Fatalf("%v: exit %d, want %d; stderr:\n%s", args, code, wantCode, errOut.String())
	}
	return out.String()
}
