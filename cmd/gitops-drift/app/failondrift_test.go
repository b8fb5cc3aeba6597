package app_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// TestFailOnDriftMissingOnly runs the CI gate of the README on a cluster that lacks an object
// Git defines and has nothing drifted: --fail-on-drift exits 1, and 0 without it.
func TestFailOnDriftMissingOnly(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	const present = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: present}\ndata: {a: \"1\"}\n"
	e.KubectlT(t, present, "-n", ns, "apply", "-f", "-")
	dir := writeFiles(t, map[string]string{
		"present.yaml": present,
		"absent.yaml":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: absent}\ndata: {a: \"1\"}\n",
	})
	args := []string{"--manifests", dir, "--namespace", ns, "--once", "--kubeconfig", e.Kubeconfig, "-o", "json"}
	for _, tt := range []struct {
		flags []string
		want  int
	}{
		{nil, app.ExitOK},
		{[]string{"--fail-on-drift"}, app.ExitDrift},
	} {
		code, out, errOut := run(t, append(args, tt.flags...)...)
		if code != tt.want {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tt.flags, code, tt.want, errOut)
		}
		var r struct {
			Summary map[string]int `json:"summary"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: report: %v:\n%s", tt.flags, err, out)
		}
		want := map[string]int{"resources": 2, "drifted": 0, "fields": 0, "missing": 1, "errors": 0}
		if diff := cmp.Diff(want, r.Summary); diff != "" {
			t.Errorf("%v: summary (-want +got):\n%s", tt.flags, diff)
		}
	}
}
