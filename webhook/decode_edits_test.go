package webhook

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// manualTarget compiles the bench Deployment as serve does, with kubectl's hand-edit managers.
func manualTarget(t testing.TB) *check.Target {
	t.Helper()
	set, err := manifest.Load("testdata/bench/desired", manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compiler{Schemas: builtin.NewResolver(nil), Manual: check.DefaultManualManagers()}.Compile(set, testRevision)
	if err != nil {
		t.Fatal(err)
	}
	return target(t, d, "apps", "Deployment", "shop", "frontend")
}

// handEdit returns a mutator that adds a managedFields entry of manager owning fields (a
// fieldsV1 object).
func handEdit(manager, subresource string, fields map[string]any) mutator {
	return func(t testing.TB, obj map[string]any, _ *diff.Schema) {
		md := obj["metadata"].(map[string]any)
		e := map[string]any{"manager": manager, "operation": "Update", "apiVersion": "apps/v1", "time": "2026-12-03T10:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": fields}
		if subresource != "" {
			e["subresource"] = subresource
		}
		md["managedFields"] = append(md["managedFields"].([]any), e)
	}
}

// TestDecodeForHandEditsCompares checks that the hand-edit decode changes nothing
// CompareRequest sees, hand edits included: for each live object, it and the whole decode
// drift alike, and the hand edits are found.
func TestDecodeForHandEditsCompares(t *testing.T) {
	tg := manualTarget(t)
	data, err := os.ReadFile(benchAppliedFile)
	if err != nil {
		t.Fatal(err)
	}
	live := func(m ...mutator) map[string]any {
		var obj map[string]any
		if err := json.Unmarshal(data, &obj); err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			f(t, obj, tg.Schema)
		}
		return obj
	}
	f := func(path string) map[string]any { // a fieldsV1 owning the field at a dotted path
		out := map[string]any{}
		cur := out
		for _, name := range splitPath(path) {
			next := map[string]any{}
			cur[name] = next
			cur = next
		}
		return out
	}
	tests := []struct {
		name string
		live map[string]any
		// wantEdits is the number of hand edits (Added or Default fields) CompareRequest finds.
		wantEdits int
	}{
		{name: "kubectl rollout restart, edited", live: live(), wantEdits: 1},
		{
			name: "label added by kubectl label",
			live: live(setField("metadata.labels.team", "x"), handEdit("kubectl-label", "", f("f:metadata.f:labels.f:team"))),
			// and the restart annotation of the kubectl-edit entry
			wantEdits: 2,
		},
		{
			name:      "annotation added by kubectl annotate",
			live:      live(setField("metadata.annotations.note", "x"), handEdit("kubectl-annotate", "", f("f:metadata.f:annotations.f:note"))),
			wantEdits: 2,
		},
		{
			name:      "default edited by kubectl patch",
			live:      live(setField("spec.revisionHistoryLimit", int64(4)), handEdit("kubectl-patch", "", f("f:spec.f:revisionHistoryLimit"))),
			wantEdits: 2,
		},
		{
			name:      "top-level field added by kubectl edit",
			live:      live(setField("spec.minReadySeconds", int64(9)), handEdit("kubectl-edit", "", f("f:spec.f:minReadySeconds"))),
			wantEdits: 2,
		},
		{
			name:      "status edited by hand: not a hand edit",
			live:      live(setField("status.replicas", int64(9)), handEdit("kubectl-edit", "status", f("f:status.f:replicas"))),
			wantEdits: 1,
		},
		{
			name: "drift and hand edits",
			live: live(setField("spec.template.spec.containers[name=frontend].image", "x"), setField("metadata.labels.team", "x"),
				handEdit("kubectl-label", "", f("f:metadata.f:labels.f:team"))),
			wantEdits: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := json.Marshal(tt.live)
			if err != nil {
				t.Fatal(err)
			}
			whole, err := decodeObject(raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			pruned, err := decodeForHandEdits(raw)
			if err != nil {
				t.Fatal(err)
			}
			want, got := tg.CompareRequest(whole), tg.CompareRequest(pruned)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("CompareRequest differs (-whole +hand-edit decode):\n%s", diff)
			}
			edits := 0
			for _, f := range got {
				if f.Added || f.Default {
					edits++
				}
			}
			if edits != tt.wantEdits {
				t.Errorf("found %d hand edits, want %d: %+v", edits, tt.wantEdits, got)
			}
			for _, p := range []string{"status", "metadata.uid"} {
				if _, ok := lookupPath(pruned, p); ok {
					t.Errorf("hand-edit decode kept %s", p)
				}
			}
			if a, _ := lookupPath(pruned, "metadata.annotations"); a.(map[string]any)["kubectl.kubernetes.io/last-applied-configuration"] != nil {
				t.Error("hand-edit decode kept the last-applied annotation")
			}
			mf, _ := lookupPath(pruned, "metadata.managedFields")
			if e, _ := mf.([]any)[0].(map[string]any); e == nil || e["fieldsV1"] == nil {
				t.Errorf("hand-edit decode lost the managedFields: %v", mf)
			} else if _, ok := e["fieldsV1"].(string); !ok {
				t.Errorf("fieldsV1 is a %T, want its JSON text", e["fieldsV1"])
			}
		})
	}
}

// splitPath splits a dotted path of plain field names.
func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}
