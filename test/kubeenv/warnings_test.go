package kubeenv_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

func TestWarnings(t *testing.T) {
	var w kubeenv.Warnings
	w.HandleWarningHeader(299, "-", "gitops-drift: ConfigMap a/b data.x: Git has 1, change sets 2")
	w.HandleWarningHeaderWithContext(t.Context(), 299, "-", "another")
	want := []string{"gitops-drift: ConfigMap a/b data.x: Git has 1, change sets 2", "another"}
	if diff := cmp.Diff(want, w.All()); diff != "" {
		t.Errorf("All() (-want +got):\n%s", diff)
	}
	if !w.Contains("Git has 1") || w.Contains("Git has 3") {
		t.Errorf("Contains: want true for a part of a warning, false for text no warning holds")
	}
	if diff := cmp.Diff(want, w.Take()); diff != "" {
		t.Errorf("Take() (-want +got):\n%s", diff)
	}
	if got := w.All(); len(got) != 0 || w.Contains("another") {
		t.Errorf("after Take, All() = %q; want nothing kept", got)
	}
}
