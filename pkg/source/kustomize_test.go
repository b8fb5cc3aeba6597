package source

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/golden"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

const overlay = "testdata/kustomize/overlays/prod"

func TestKustomizeGolden(t *testing.T) {
	got, err := Kustomize(overlay)
	if err != nil {
		t.Fatalf("Kustomize: %v", err)
	}
	golden.Check(t, "kustomize/prod.golden.yaml", got)
	// What the overlay asks for, so that a golden file rewritten by mistake is caught.
	for _, s := range []string{"namespace: kustomize-prod", "image: nginx:1.27", "replicas: 3", "LOG_LEVEL: debug", "COLOR: blue", "name: web-config-"} {
		if !strings.Contains(string(got), s) {
			t.Errorf("rendered overlay lacks %q", s)
		}
	}
}

// TestKustomizeAsKubectl renders the overlay with the kubectl that the tests' API server
// comes with (its embedded kustomize) and compares.
func TestKustomizeAsKubectl(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the built kubectl")
	}
	bins, err := kubeenv.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	kubectl := filepath.Join(bins, "kubectl")
	if _, err := os.Stat(kubectl); err != nil {
		t.Fatalf("kubectl not built (make kube-bins): %v", err)
	}
	want, err := exec.Command(kubectl, "kustomize", overlay).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v", err)
	}
	got, err := Kustomize(overlay)
	if err != nil {
		t.Fatalf("Kustomize: %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Kustomize differs from kubectl kustomize (-kubectl +ours):\n%s", diff)
	}
}

func TestKustomizeRemote(t *testing.T) {
	_, err := Kustomize("testdata/kustomize/remote")
	if !errors.Is(err, ErrRemote) {
		t.Fatalf("Kustomize = %v, want ErrRemote", err)
	}
	for _, s := range []string{
		`testdata/kustomize/remote/kustomization.yaml: resources "github.com/example/apps//base?ref=v1"`,
		`testdata/kustomize/remote/kustomization.yaml: resources "https://example.com/deploy.yaml"`,
	} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%v", s, err)
		}
	}
}

func TestKustomizeRemoteInBase(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "base/kustomization.yaml", "resources:\n  - git@example.com:org/repo.git\n")
	writeFile(t, dir, "app/kustomization.yaml", "resources:\n  - ../base\n")
	_, err := Kustomize(filepath.Join(dir, "app"))
	if !errors.Is(err, ErrRemote) || !strings.Contains(err.Error(), "base/kustomization.yaml") {
		t.Fatalf("Kustomize = %v, want ErrRemote naming the base", err)
	}
}

func TestKustomizeErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "kustomization.yaml", "resources:\n  - cm.yaml\n")
	writeFile(t, dir, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: [unclosed\n")
	_, err := Kustomize(dir)
	if err == nil || !strings.Contains(err.Error(), "cm.yaml") || !strings.Contains(err.Error(), "line 5") {
		t.Fatalf("Kustomize = %v, want kustomize's error naming cm.yaml and its line", err)
	}
}

func TestKustomizationFile(t *testing.T) {
	dir := t.TempDir()
	if got := KustomizationFile(dir); got != "" {
		t.Errorf("empty dir: %q, want none", got)
	}
	writeFile(t, dir, "Kustomization", "resources: []\n")
	if got := KustomizationFile(dir); got != filepath.Join(dir, "Kustomization") {
		t.Errorf("KustomizationFile = %q, want Kustomization", got)
	}
}
