package remediate_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// projecting is a LiveSource that gives the projections of the live objects
// (check.Target.Project), as the auditor's cache keeps them.
type projecting struct {
	d    *check.Desired
	live check.LiveSource
}

func (p projecting) Fetch(ctx context.Context, desired []*unstructured.Unstructured) []cluster.Live {
	out := p.live.Fetch(ctx, desired)
	for i := range out {
		if out[i].Object == nil {
			continue
		}
		if tg, ok := p.d.Lookup(manifest.KeyOf(desired[i])); ok {
			out[i].Object = &unstructured.Unstructured{Object: tg.Project(out[i].Object.Object)}
		}
	}
	return out
}

// TestReadLive remediates from projections of the live objects, as a cache of projections
// gives them: with Options.ReadLive, each strategy reads the whole object first and keeps what
// a write keeps of it (here, a label another manager set, which a replace carries); without
// it, a replace from the projection drops the label, which is why the option exists.
func TestReadLive(t *testing.T) {
	for _, s := range strategies {
		for _, readLive := range []bool{true, false} {
			name := string(s) + "/read"
			if !readLive {
				name = string(s) + "/projection"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f := apply(t, drifttest.Deployment)
				f.Kubectl(t, "patch", "deployment/web", "--field-manager", "team-operator", "-p", `{"metadata":{"labels":{"team":"checkout"}}}`)
				f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")

				rem, err := remediate.New(f.Client, remediate.Options{Strategy: s, ReadLive: readLive})
				if err != nil {
					t.Fatal(err)
				}
				d := f.Desired(t)
				r := check.Run(t.Context(), d, projecting{d: d, live: f.Client}, check.Options{Remediator: rem})
				want := []string{"Deployment/web spec.template.spec.containers[name=web].image"}
				if diff := cmp.Diff(want, restored(r)); diff != "" {
					t.Errorf("restored (-want +got):\n%s", diff)
				}
				label := f.Live(t)["Deployment/web"].GetLabels()["team"]
				if kept := label == "checkout"; kept != (readLive || s == remediate.StrategyApply) {
					t.Errorf("label team = %q after remediation from a projection (ReadLive %v, %s)", label, readLive, s)
				}
				if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
					t.Errorf("drift after remediation (-want +got):\n%s", diff)
				}
			})
		}
	}
}
