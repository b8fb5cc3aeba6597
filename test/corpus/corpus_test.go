package corpus_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// applyMode is how the corpus is applied: kubectl's client-side apply, or server-side apply.
type applyMode struct {
	name string
	args []string // added to kubectl apply
}

var applyModes = []applyMode{
	{name: "client-side", args: nil},
	{name: "server-side", args: []string{"--server-side"}},
}

// TestCorpus applies each project of the corpus to a real API server and checks it, once per
// apply mode. Each mode has a server of its own: the projects name fixed namespaces
// (monitoring) and cluster-scoped objects (ClusterRoles, CRDs, an APIService), which the
// two modes would otherwise share. For each project: every resource in sync after the apply
// (a subtest per resource), then each edit reported exactly (a subtest per edit).
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real API server; skipped under -short")
	}
	for _, mode := range applyModes {
		t.Run(mode.name, func(t *testing.T) {
			e, err := kubeenv.Start(kubeenv.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := e.Stop(); err != nil {
					t.Error(err)
				}
			})
			for _, p := range projects {
				t.Run(p.name, func(t *testing.T) { runProject(t, e, mode, p) })
			}
		})
	}
}

// runProject applies p in mode, checks that nothing drifts, then makes p's edits one by one.
func runProject(t *testing.T, e *kubeenv.Env, mode applyMode, p project) {
	dir := filepath.Join("testdata", p.name)
	if p.createNamespace {
		e.KubectlT(t, "", "create", "namespace", p.namespace)
	}
	if p.setup != "" {
		// CRDs too large for client-side apply's annotation: their projects apply them
		// server-side in both modes, as kube-prometheus's README says.
		e.KubectlT(t, "", "apply", "--server-side", "-f", filepath.Join(dir, p.setup))
		e.KubectlT(t, "", "wait", "--for", "condition=Established", "--timeout", "60s", "crd", "--all")
	}
	for _, a := range p.apply {
		args := slices.Concat([]string{"apply"}, mode.args, []string{"-f", filepath.Join(dir, a)})
		if p.createNamespace { // else the manifests name their namespaces
			args = append(args, "-n", p.namespace)
		}
		e.KubectlT(t, "", args...)
	}
	baseline := check(t, e, dir, p.namespace)
	t.Run("projection after apply", func(t *testing.T) { projectionHolds(t, e, dir, p.namespace) })
	t.Run("in sync after apply", func(t *testing.T) {
		if len(baseline.Resources) != p.resources {
			t.Errorf("checked %d resources, want %d (the whole project)", len(baseline.Resources), p.resources)
		}
		for _, r := range baseline.Resources {
			t.Run(resourceName(r), func(t *testing.T) {
				if r.Status != report.StatusInSync {
					t.Errorf("status %s %s, want in-sync:\n%s", r.Status, r.Error, strings.Join(fieldLines(r), "\n"))
				}
			})
		}
	})
	before := driftLines(baseline)
	for _, ed := range p.edits {
		t.Run("edit "+ed.name, func(t *testing.T) {
			for _, args := range ed.kubectl {
				e.KubectlT(t, "", append([]string{"-n", p.namespace}, args...)...)
			}
			after := driftLines(check(t, e, dir, p.namespace))
			added, removed := setDiff(after, before), setDiff(before, after)
			want := ed.wantLines(t, dir)
			if diff := cmp.Diff(want, added); diff != "" {
				t.Errorf("drift the edit added (-want +got):\n%s", diff)
			}
			if len(removed) > 0 {
				t.Errorf("drift that vanished with the edit:\n%s", strings.Join(removed, "\n"))
			}
			projectionHolds(t, e, dir, p.namespace)
			before = after
		})
	}
}

// check runs `gitops-drift --once` on dir, as a user would, and returns its JSON report.
// Drift or errors do not fail the test here: the callers judge the report.
func check(t *testing.T, e *kubeenv.Env, dir, namespace string) report.Report {
	t.Helper()
	var out, errOut capture.Buffer
	code := app.Main(t.Context(), app.IOStreams{Out: &out, ErrOut: &errOut}, []string{
		"--manifests", dir, "--namespace", namespace, "--kubeconfig", e.Kubeconfig,
		"--once", "--output", "json", "--log-format", "json", "--log-level", "error"})
	var r report.Report
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatalf("gitops-drift exit %d, no JSON report (%v):\n%s\nstderr:\n%s", code, err, out.String(), errOut.String())
	}
	return r
}

func resourceName(r report.Resource) string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// fieldLines renders the drifted fields of r, one "path: desired -> live" line each, values
// in compact JSON.
func fieldLines(r report.Resource) []string {
	out := make([]string, 0, len(r.Fields))
	for _, f := range r.Fields {
		out = append(out, fmt.Sprintf("%s: %s -> %s", f.Path, compact(f.Desired), compact(f.Live)))
	}
	return out
}

// driftLines renders every drifted field of r as "Kind ns/name path: desired -> live", and
// every missing or failed resource as "Kind ns/name <status> <error>".
func driftLines(r report.Report) map[string]bool {
	out := map[string]bool{}
	for _, res := range r.Resources {
		switch res.Status {
		case report.StatusDrifted:
			for _, l := range fieldLines(res) {
				out[resourceName(res)+" "+l] = true
			}
		case report.StatusMissing, report.StatusError:
			out[resourceName(res)+" "+string(res.Status)+" "+res.Error] = true
		}
	}
	return out
}

// setDiff returns the lines of a not in b, sorted.
func setDiff(a, b map[string]bool) []string {
	out := []string{}
	for _, l := range slices.Sorted(maps.Keys(a)) {
		if !b[l] {
			out = append(out, l)
		}
	}
	return out
}

// redactedForm is what compact shows for a masked Secret value, whatever its digits.
const redactedForm = "<redacted hmac>"

// redactedDigits matches a masked Secret value.
var redactedDigits = regexp.MustCompile(`^<redacted hmac:[0-9a-f]{16}>$`)

// compact renders v as compact JSON, as the reports show values; a masked Secret value as
// redactedForm.
func compact(v any) string {
	if s, ok := v.(string); ok && redactedDigits.MatchString(s) {
		v = redactedForm
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
