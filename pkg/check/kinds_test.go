package check_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestKindsInSyncThenDrift applies each supported kind, checks that it is in sync, changes it
// with kubectl, and checks that exactly the changed paths drift.
func TestKindsInSyncThenDrift(t *testing.T) {
	for _, tc := range drifttest.KindCases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			f := drifttest.Apply(t, env, tc.Manifests)
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Fatalf("drift right after apply (-want +got):\n%s", diff)
			}
			for _, args := range tc.Change {
				f.Kubectl(t, args...)
			}
			if diff := cmp.Diff(tc.Want, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after change (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInSyncAfterServerSideApply: right after kubectl apply --server-side of each kind of the
// table, and of the examples (client-side and server-side), nothing drifts, with the
// hand-edit search on: the applier ("kubectl", "kubectl-client-side-apply") owns what it sent
// and every default the server filled in, and is no hand-edit manager.
func TestInSyncAfterServerSideApply(t *testing.T) {
	for _, tc := range drifttest.KindCases() {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			f := drifttest.New(t, env, tc.Manifests)
			f.Kubectl(t, "apply", "--server-side", "-f", f.Dir)
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift right after apply --server-side (-want +got):\n%s", diff)
			}
		})
	}
	files, err := filepath.Glob("../../examples/desired/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("examples: %v", err)
	}
	var examples []string
	for _, file := range files {
		if filepath.Base(file) == "namespace.yaml" { // the fixture's namespace stands for it
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, string(b))
	}
	for _, mode := range []string{"client-side", "server-side"} {
		t.Run("examples/"+mode, func(t *testing.T) {
			t.Parallel()
			f := drifttest.New(t, env, "")
			f.Write(t, strings.ReplaceAll(strings.Join(examples, "\n---\n"), "namespace: demo", "namespace: "+f.NS))
			args := []string{"apply", "-f", f.Dir}
			if mode == "server-side" {
				args = append(args, "--server-side")
			}
			f.Kubectl(t, args...)
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift right after apply (-want +got):\n%s", diff)
			}
		})
	}
}
