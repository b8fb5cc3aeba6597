package check_test

import (
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
