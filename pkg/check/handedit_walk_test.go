package check_test

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

// everyManager makes every manager of the captured objects a hand-edit manager, the applier
// included: its fields are then hand edits wherever Git leaves them out, which puts every
// default the server filled in through the search.
var everyManager = []string{
	"kubectl", "kubectl-client-side-apply", "kubectl-annotate", "kubectl-label", "kubectl-patch",
	"kubectl-set", "sidecar-injector", "some-controller",
}

// manualLists are the hand-edit manager lists the equivalence tests run with.
func manualLists() map[string][]string {
	return map[string][]string{
		"default":  check.DefaultManualManagers(),
		"none":     nil,
		"injector": {"sidecar-injector", "some-controller"},
		"every":    everyManager,
	}
}

// liveVariants returns the live objects of a case as captured, and with every value changed
// (strings, numbers and booleans, list keys and Secret data included; not the identity and
// managedFields): every default an owner holds is then a hand-edited default, every item of a
// list another item.
func liveVariants(t *testing.T, name string) map[string]liveMap {
	t.Helper()
	changed := liveObjects(t, name)
	for _, obj := range changed {
		for k, v := range obj {
			switch {
			case k == "data" && obj["kind"] == "Secret":
				for key := range v.(map[string]any) {
					v.(map[string]any)[key] = base64.StdEncoding.EncodeToString([]byte(changedSecret))
				}
			case k != "apiVersion" && k != "kind" && k != "metadata":
				obj[k] = changeScalars(v)
			}
		}
		md := obj["metadata"].(map[string]any)
		for _, k := range []string{"labels", "annotations"} {
			if v, ok := md[k]; ok {
				md[k] = changeScalars(v)
			}
		}
	}
	return map[string]liveMap{"captured": liveObjects(t, name), "changed": changed}
}

// changedSecret is the value of every key of a changed Secret.
const changedSecret = "s3cr3t-changed"

// changeScalars returns v with every scalar changed.
func changeScalars(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = changeScalars(e)
		}
	case []any:
		for i, e := range x {
			x[i] = changeScalars(e)
		}
	case string:
		return x + "-changed"
	case int64:
		return x + 1
	case float64:
		return x + 1
	case bool:
		return !x
	}
	return v
}

// noSecretShown fails the test, without printing anything, when v shows a Secret value of the
// fixtures.
func noSecretShown(t *testing.T, v any) {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"admin", "hunter2", "s3cr3t-t0ken", changedSecret} {
		if strings.Contains(string(out), p) || strings.Contains(string(out), base64.StdEncoding.EncodeToString([]byte(p))) {
			t.Fatalf("a Secret value is shown (%d bytes of JSON; not printed)", len(out))
		}
	}
}

// TestHandEditsOneWalk checks the hand-edit search that rides along the diff's walk against
// the search it replaced, which looked every owned path up from the root (the oracle kept in
// handedit_legacy_test.go): on every object the real API server gave for TestHandEdits's
// changes, as captured and with every value changed, with every list of hand-edit managers,
// Compare and CompareRequest give the same fields, in the same order, with the same owners.
func TestHandEditsOneWalk(t *testing.T) {
	kinds := map[string]int{}
	for _, name := range append([]string{appliedCase.name}, slices.Sorted(maps.Keys(liveCases))...) {
		for variant, live := range liveVariants(t, name) {
			for list, manual := range manualLists() {
				t.Run(name+"/"+variant+"/"+list, func(t *testing.T) {
					d := compileOffline(t, handEditApp, manual)
					d.SetSecretKey([]byte("0123456789abcdef0123456789abcdef"))
					for i := range d.Targets {
						tg := &d.Targets[i]
						obj := live[tg.Key.Name]
						want, got := tg.LegacyCompare(obj), tg.Compare(obj)
						noSecretShown(t, []any{want, got})
						if diff := cmp.Diff(want, got); diff != "" {
							t.Errorf("%s: Compare (-legacy +one walk):\n%s", tg.Key, diff)
						}
						if diff := cmp.Diff(tg.LegacyCompareRequest(obj), tg.CompareRequest(obj)); diff != "" {
							t.Errorf("%s: CompareRequest (-legacy +one walk):\n%s", tg.Key, diff)
						}
						for _, f := range got {
							kinds[driftKind(f)]++
							if f.Owner != nil {
								kinds["owned"]++
							}
						}
					}
				})
			}
		}
	}
	// The cases must take the search through each of its branches.
	for _, k := range []string{"git", "default", "added", "owned"} {
		if kinds[k] == 0 {
			t.Errorf("no %s drift among the cases (%v): the test proves nothing of that branch", k, kinds)
		}
	}
}

// driftKind names what kind of drift f is: of a field Git sets, a hand-edited default, a
// hand-added field.
func driftKind(f diff.Field) string {
	switch {
	case f.Default:
		return "default"
	case f.Added:
		return "added"
	}
	return "git"
}

// BenchmarkCompareRequestHandEdit compares the webhook's test Deployment with its live copy as
// kubectl apply and a kubectl rollout restart by hand (kubectl-edit) left it on a real API
// server, by the one walk and by the search it replaced: with kubectl's hand-edit managers
// (one hand-edited field), and with the applier among them (its every field, defaults
// included, goes through the search, as after a kubectl replace).
func BenchmarkCompareRequestHandEdit(b *testing.B) {
	set, err := manifest.Load("../../webhook/testdata/bench/desired", manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ignore, err := diff.ParsePaths("metadata.annotations")
	if err != nil {
		b.Fatal(err)
	}
	live := readJSON(b, "../../webhook/testdata/bench/live-applied.json")
	for _, managers := range []struct {
		name   string
		manual []string
	}{
		{"kubectl", check.DefaultManualManagers()},
		{"applier", append(check.DefaultManualManagers(), "kubectl-client-side-apply")},
	} {
		d, err := check.Compiler{Schemas: schema.NewResolver(nil), Ignore: ignore, Manual: managers.manual}.Compile(set, "bench")
		if err != nil {
			b.Fatal(err)
		}
		tg := &d.Targets[0]
		want := tg.LegacyCompareRequest(live)
		if diff := cmp.Diff(want, tg.CompareRequest(live)); diff != "" || len(want) == 0 {
			b.Fatalf("CompareRequest (-legacy +one walk), want some drift:\n%s", diff)
		}
		for _, bc := range []struct {
			name    string
			compare func(map[string]any) []diff.Field
		}{{"one-walk", tg.CompareRequest}, {"legacy", tg.LegacyCompareRequest}} {
			b.Run(managers.name+"/"+bc.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					bc.compare(live)
				}
			})
		}
	}
}
