package remediate_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// otherLabel is a label another field manager (a controller, not a hand edit, which would be
// drift) adds to every object.
const otherLabel = "example.com/added-by"

// TestKinds injects drift into every supported kind, remediates it with each strategy, and
// checks again: no drift is left, the report names the restored fields, and the live fields
// Git does not set are as they were.
func TestKinds(t *testing.T) {
	for _, s := range strategies {
		for _, tc := range drifttest.KindCases() {
			t.Run(string(s)+"/"+tc.Name, func(t *testing.T) {
				t.Parallel()
				f := apply(t, tc.Manifests)
				f.Kubectl(t, "label", tc.Res, otherLabel+"=kubectl", "--field-manager", "other-actor")
				for _, args := range tc.Change {
					f.Kubectl(t, args...)
				}
				kept := append([]string{`metadata.labels["` + otherLabel + `"]`}, tc.Kept...)
				if s == remediate.StrategyApply {
					kept = append(kept, tc.ApplyKept...)
				}
				before := values(t, f, kept)

				r := f.remediate(t, s, nil)
				if diff := cmp.Diff(tc.Want, restored(r)); diff != "" {
					t.Errorf("restored fields (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
					t.Errorf("drift after remediation (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(before, values(t, f, kept)); diff != "" {
					t.Errorf("live fields Git does not set changed (-before +after):\n%s", diff)
				}
				assertManager(t, f, s, len(tc.Want) > 0)
			})
		}
	}
}

// restored returns "Kind/name path" for every field r says was restored.
func restored(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		if res.Action != report.ActionRemediated {
			continue
		}
		for _, f := range res.Fields {
			out = append(out, res.Kind+"/"+res.Name+" "+f.Path)
		}
	}
	return out
}

// values returns the live value at each path of the fixture's only object; a path that is
// not there is an error.
func values(t *testing.T, f *fixture, paths []string) map[string]any {
	t.Helper()
	d := f.Desired(t)
	obj := f.Live(t)[d.Targets[0].Key.Kind+"/"+d.Targets[0].Key.Name]
	out := map[string]any{}
	for _, raw := range paths {
		p, err := diff.ParsePath(raw)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := diff.Get(obj.Object, p, d.Targets[0].Schema)
		if !ok {
			t.Errorf("live object has nothing at %s", raw)
		}
		out[raw] = v
	}
	return out
}

// assertManager checks that the object's managedFields name gitops-drift with the operation
// of strategy s when it wrote, and do not name it otherwise.
func assertManager(t *testing.T, f *fixture, s remediate.Strategy, wrote bool) {
	t.Helper()
	want := map[remediate.Strategy]string{remediate.StrategyApply: "Apply", remediate.StrategyReplace: "Update"}[s]
	d := f.Desired(t)
	obj := f.Live(t)[d.Targets[0].Key.Kind+"/"+d.Targets[0].Key.Name]
	var got []string
	for _, m := range obj.GetManagedFields() {
		if m.Manager == "gitops-drift" {
			got = append(got, string(m.Operation))
		}
	}
	switch {
	case wrote && strings.Join(got, ",") != want:
		t.Errorf("managedFields of gitops-drift: operations %v, want [%s]", got, want)
	case !wrote && len(got) > 0:
		t.Errorf("gitops-drift wrote an object without drift: managedFields operations %v", got)
	}
}
