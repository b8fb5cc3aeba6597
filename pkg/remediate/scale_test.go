package remediate_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestIgnoredReplicasSurvive scales a Deployment through the scale subresource, as an
// HorizontalPodAutoscaler does, with spec.replicas ignored (by --ignore-fields or by
// annotation): remediating other drift keeps the live replica count, with each strategy, and
// so does a second remediation after a second scale (apply must not drop spec.replicas from
// the fields it owns, or the server would remove it).
func TestIgnoredReplicasSurvive(t *testing.T) {
	annotated := `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {drift.gitops.io/ignore-fields: spec.replicas}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`
	tests := []struct {
		name      string
		manifests string
		ignore    []string
	}{
		{name: "ignore-fields flag", manifests: drifttest.Deployment, ignore: []string{"spec.replicas"}},
		{name: "annotation", manifests: annotated},
	}
	for _, s := range strategies {
		for _, tc := range tests {
			t.Run(string(s)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := apply(t, tc.manifests)
				f.Kubectl(t, "scale", "deployment/web", "--replicas=5")
				f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")

				r := f.remediate(t, s, nil, tc.ignore...)
				want := []string{"Deployment/web spec.template.spec.containers[name=web].image"}
				if diff := cmp.Diff(want, restored(r)); diff != "" {
					t.Errorf("restored (-want +got):\n%s", diff)
				}
				if got := replicas(t, f); got != 5 {
					t.Errorf("spec.replicas = %d after remediation, want 5 (the scaled value)", got)
				}

				f.Kubectl(t, "scale", "deployment/web", "--replicas=7")
				f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.20")
				f.remediate(t, s, nil, tc.ignore...)
				if got := replicas(t, f); got != 7 {
					t.Errorf("spec.replicas = %d after a second remediation, want 7", got)
				}
				if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t, tc.ignore...))); diff != "" {
					t.Errorf("drift after remediation (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// replicas returns spec.replicas of the live Deployment web.
func replicas(t *testing.T, f *fixture) int64 {
	t.Helper()
	n, _, err := unstructured.NestedInt64(f.Live(t)["Deployment/web"].Object, "spec", "replicas")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// hpaManaged is a Deployment whose Git copy leaves replicas to an autoscaler.
const hpaManaged = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.25"}]
`

// TestNeverRescalesNorRestarts: with replicas left out of Git, as the advice for HPAs goes,
// someone scales to 12, restarts the rollout and sets another image; remediation restores the
// image and keeps the 12 replicas and the restartedAt annotation, with each strategy.
func TestNeverRescalesNorRestarts(t *testing.T) {
	const restartedAt = `spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`
	for _, s := range strategies {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			f := apply(t, hpaManaged)
			f.Kubectl(t, "scale", "deployment/web", "--replicas=12")
			f.Kubectl(t, "rollout", "restart", "deployment/web")
			f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
			before := values(t, f, []string{restartedAt})

			r := f.remediate(t, s, nil)
			if diff := cmp.Diff([]string{"Deployment/web spec.template.spec.containers[name=web].image"}, restored(r)); diff != "" {
				t.Errorf("restored (-want +got):\n%s", diff)
			}
			if got := replicas(t, f); got != 12 {
				t.Errorf("spec.replicas = %d after remediation, want 12", got)
			}
			if diff := cmp.Diff(before, values(t, f, []string{restartedAt})); diff != "" {
				t.Errorf("restartedAt changed (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIgnoredImageOfNewContainer: images are ignored and Git adds a container; remediation
// creates it with the image Git gives it (without one the server refuses the write) and
// leaves the live image of the container that was there, with each strategy.
func TestIgnoredImageOfNewContainer(t *testing.T) {
	const ignore = "spec.template.spec.containers[*].image"
	for _, s := range strategies {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			f := apply(t, hpaManaged)
			f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
			git := strings.Replace(hpaManaged, `containers: [{name: web, image: "nginx:1.25"}]`,
				`containers: [{name: web, image: "nginx:1.25"}, {name: metrics, image: "exporter:2"}]`, 1)
			if err := os.WriteFile(filepath.Join(f.Dir, "desired.yaml"), []byte(git), 0o600); err != nil {
				t.Fatal(err)
			}

			r := f.remediate(t, s, nil, ignore)
			if diff := cmp.Diff([]string{"Deployment/web remediated"}, actions(r)); diff != "" {
				t.Fatalf("actions (-want +got):\n%s", diff)
			}
			want := map[string]any{
				"spec.template.spec.containers[name=web].image":     "nginx:1.19",
				"spec.template.spec.containers[name=metrics].image": "exporter:2",
			}
			if diff := cmp.Diff(want, values(t, f, slices.Sorted(maps.Keys(want)))); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, drifttest.Drifted(f.Check(t, ignore))); diff != "" {
				t.Errorf("drift after remediation (-want +got):\n%s", diff)
			}
		})
	}
}
