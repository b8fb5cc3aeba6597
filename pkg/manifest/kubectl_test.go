package manifest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// TestKubectlApply applies each of readCases with the kubectl built with the API server,
// client-side and server-side, each in a namespace of its own, and checks that gitops-drift
// reads the file as kubectl did: the check finds no drift, gitops-drift loads exactly the
// ConfigMaps kubectl created, and their data are the stored data, byte for byte. Where
// gitops-drift refuses a file, kubectl must refuse it too, unless the case says otherwise.
func TestKubectlApply(t *testing.T) {
	kubeenv.Require(t, env)
	modes := []struct {
		name string
		args []string
	}{{"client-side", nil}, {"server-side", []string{"--server-side"}}}
	for _, tc := range readCases() {
		t.Run(tc.file, func(t *testing.T) {
			for _, mode := range modes {
				t.Run(mode.name, func(t *testing.T) {
					f := drifttest.New(t, env, "")
					if err := os.Remove(filepath.Join(f.Dir, "desired.yaml")); err != nil {
						t.Fatal(err)
					}
					file := filepath.Join(f.Dir, tc.file)
					if err := os.WriteFile(file, []byte(tc.data), 0o600); err != nil {
						t.Fatal(err)
					}
					args := append([]string{"apply", "-n", f.NS, "-f", file}, mode.args...)
					_, _, applyErr := env.Run(t.Context(), "", args...)
					set, loadErr := manifest.Load(f.Dir, manifest.Options{Namespace: f.NS})
					switch {
					case tc.wantErrs == nil:
						checkStored(t, f, set, loadErr, applyErr)
					case loadErr == nil:
						t.Fatalf("gitops-drift loads %s, want errors %q", tc.file, tc.wantErrs)
					case tc.kubectlApplies && applyErr != nil:
						t.Fatalf("kubectl refuses %s, which the case says it applies: %v", tc.file, applyErr)
					case !tc.kubectlApplies && applyErr == nil:
						t.Fatalf("kubectl applies %s, which gitops-drift refuses: %v", tc.file, loadErr)
					}
				})
			}
		})
	}
}

// checkStored checks that gitops-drift's set holds the ConfigMaps of f's namespace, as kubectl
// stored them, and that the check finds no drift.
func checkStored(t *testing.T, f *drifttest.Fixture, set *manifest.Set, loadErr, applyErr error) {
	t.Helper()
	if applyErr != nil {
		t.Fatal(applyErr)
	}
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	if got := drifttest.Drifted(f.Check(t)); len(got) > 0 {
		t.Errorf("drift right after kubectl apply: %q", got)
	}
	list, err := f.Env.Clientset(t).CoreV1().ConfigMaps(f.NS).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]map[string]string{}
	for _, cm := range list.Items {
		stored[cm.Name] = cm.Data
	}
	read := map[string]map[string]string{}
	for _, o := range set.Objects() {
		read[o.Obj.GetName()] = stringData(t, o.Obj)
	}
	if diff := cmp.Diff(stored, read); diff != "" {
		t.Errorf("ConfigMaps (-stored by kubectl +read by gitops-drift):\n%s", diff)
	}
	if set.Len() == 0 {
		t.Errorf("nothing stored: the case tests nothing")
	}
}
