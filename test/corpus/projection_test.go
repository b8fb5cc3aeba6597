package corpus_test

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	driftcheck "github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/pkg/source"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// projectionHolds checks, for every object of the project in dir as the server has it now,
// that its projection (check.Target.Project, what the auditor's cache keeps) gives the same
// answers as the object: Compare (fields, paths, values, owners) and CompareRequest, with
// kubectl's hand-edit managers, as the CLI compiles the project. A projection holds no status.
func projectionHolds(t *testing.T, e *kubeenv.Env, dir, namespace string) {
	t.Helper()
	client, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	l := desired.NewLoader(desired.LoaderOptions{Client: client, Schemas: schema.NewResolverForDiscovery(client.Discovery),
		Namespace: namespace, ManualManagers: driftcheck.DefaultManualManagers()})
	d, err := l.Load(t.Context(), source.Snapshot{Root: dir}, "test")
	if err != nil {
		t.Fatal(err)
	}
	d.SetSecretKey(driftcheck.NewSecretKey())
	objs := make([]*unstructured.Unstructured, len(d.Targets))
	for i := range d.Targets {
		objs[i] = d.Targets[i].Identity()
	}
	checked := 0
	for i, live := range client.Fetch(t.Context(), objs) {
		tg := &d.Targets[i]
		if live.Err != nil || live.Object == nil || tg.Policy.Skip {
			continue
		}
		checked++
		marked := tg.Project(live.Object.Object)
		kept := tg.NoteInSync(marked)   // as the auditor's cache keeps it
		projected := tg.Resolve(marked) // as any reader but Compare must read a copy not in sync
		if _, ok := projected["status"]; ok {
			t.Errorf("%s: the projection holds a status", tg.Key)
		}
		for _, c := range []struct {
			name      string
			want, got any
		}{
			{"Compare", tg.Compare(live.Object.Object), tg.Compare(kept)},
			{"Compare, resolved", tg.Compare(live.Object.Object), tg.Compare(projected)},
			{"CompareRequest", tg.CompareRequest(live.Object.Object), tg.CompareRequest(projected)},
		} {
			if diff := cmp.Diff(c.want, c.got); diff != "" {
				// Values are masked in both (Secrets included): what Compare reports.
				t.Errorf("%s: %s (-object +projection):\n%s", tg.Key, c.name, diff)
			}
		}
		// managedFields apart: the projection keeps them compacted, each entry's fields as one
		// string, smaller in memory but longer as JSON (its quotes escaped).
		if p, o := size(t, projected), size(t, live.Object.Object); p >= o {
			t.Errorf("%s: the projection (%d bytes without managedFields) is not smaller than the object (%d)", tg.Key, p, o)
		}
	}
	if checked == 0 {
		t.Error("no object of the project to check")
	}
}

// size returns the bytes of obj as JSON, without metadata.managedFields.
func size(t *testing.T, obj map[string]any) int {
	t.Helper()
	md, _ := obj["metadata"].(map[string]any)
	md = maps.Clone(md)
	delete(md, "managedFields")
	top := maps.Clone(obj)
	top["metadata"] = md
	b, err := json.Marshal(top)
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.TrimSpace(string(b)))
}
