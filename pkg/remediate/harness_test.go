package remediate_test

import (
	"testing"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// strategies are the remediation strategies every acceptance test runs with.
var strategies = []remediate.Strategy{remediate.StrategyApply, remediate.StrategyReplace}

// fixture is drifttest's fixture with the remediation helpers of this package's tests.
type fixture struct {
	*drifttest.Fixture
}

// newFixture writes manifests (YAML) to a directory and connects to the server, without
// applying anything.
func newFixture(t *testing.T, manifests string) *fixture {
	t.Helper()
	return &fixture{drifttest.New(t, env, manifests)}
}

// apply is newFixture, then kubectl apply of the manifests.
func apply(t *testing.T, manifests string) *fixture {
	t.Helper()
	return &fixture{drifttest.Apply(t, env, manifests)}
}

// remediate runs a check with remediation by strategy through client (nil: the fixture's).
func (f *fixture) remediate(t *testing.T, s remediate.Strategy, client remediate.Client, ignore ...string) report.Report {
	t.Helper()
	if client == nil {
		client = f.Client
	}
	rem, err := remediate.New(client, remediate.Options{Strategy: s})
	if err != nil {
		t.Fatal(err)
	}
	return check.Run(t.Context(), f.Desired(t, ignore...), f.Client, check.Options{Remediator: rem})
}

// actions returns "Kind/name action" for every resource of r that has an action, with the
// error of a failed one.
func actions(r report.Report) []string {
	out := []string{}
	for _, res := range r.Resources {
		if res.Action == report.ActionNone {
			continue
		}
		s := res.Kind + "/" + res.Name + " " + string(res.Action)
		if res.Error != "" {
			s += ": " + res.Error
		}
		out = append(out, s)
	}
	return out
}

// resourceVersions returns the resourceVersion of every live object of the fixture.
func (f *fixture) resourceVersions(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, obj := range f.Live(t) {
		out[k] = obj.GetResourceVersion()
	}
	return out
}
