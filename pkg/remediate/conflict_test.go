package remediate_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// racer is a remediate.Client whose Deployments see a concurrent write (write) just before
// each of the first `races` writes the Remediator sends, after it read the object: each such
// write fails with 409 Conflict.
type racer struct {
	remediate.Client
	write func(ctx context.Context, n int) error

	mu     sync.Mutex
	races  int
	raced  int
	writes int
}

func (r *racer) Resource(gvk schema.GroupVersionKind, namespace string) (dynamic.ResourceInterface, error) {
	ri, err := r.Client.Resource(gvk, namespace)
	if err != nil || gvk.Kind != "Deployment" {
		return ri, err
	}
	return &racingResource{ResourceInterface: ri, r: r}, nil
}

// race makes the concurrent write if races are left.
func (r *racer) race(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	if r.raced == r.races {
		return nil
	}
	r.raced++
	return r.write(ctx, r.raced)
}

type racingResource struct {
	dynamic.ResourceInterface
	r *racer
}

func (rr *racingResource) Apply(ctx context.Context, name string, obj *unstructured.Unstructured, opts metav1.ApplyOptions, sub ...string) (*unstructured.Unstructured, error) {
	if err := rr.r.race(ctx); err != nil {
		return nil, err
	}
	return rr.ResourceInterface.Apply(ctx, name, obj, opts, sub...)
}

func (rr *racingResource) Update(ctx context.Context, obj *unstructured.Unstructured, opts metav1.UpdateOptions, sub ...string) (*unstructured.Unstructured, error) {
	if err := rr.r.race(ctx); err != nil {
		return nil, err
	}
	return rr.ResourceInterface.Update(ctx, obj, opts, sub...)
}

// TestConflictRetry races every remediation of a drifted Deployment with an autoscaler that
// scales it (spec.replicas is ignored) between the Remediator's read and its write. With two
// races the third write succeeds and keeps the replica count the autoscaler set last: the
// retries re-read the object rather than write a stale copy over it. With races on every
// attempt the Deployment is reported remediation-failed after 1+3 attempts, left as the
// autoscaler made it, and the other resources of the run are still remediated. When the racing
// writer also restores the drifted image, the retry finds nothing to repair, writes nothing,
// and says so rather than "remediated".
func TestConflictRetry(t *testing.T) {
	const manifests = drifttest.Deployment + `---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`
	tests := []struct {
		name       string
		races      int
		restore    bool // the racing write also sets the image back to Git's
		wantWrites int
		wantAction []string
		wantImage  string
	}{
		{
			name:       "conflicts then success",
			races:      2,
			wantWrites: 3,
			wantAction: []string{"ConfigMap/cfg remediated", "Deployment/web remediated"},
			wantImage:  "nginx:1.25",
		},
		{
			name:       "conflicts until it gives up",
			races:      100,
			wantWrites: 4,
			wantAction: []string{"ConfigMap/cfg remediated", "Deployment/web remediation-failed"},
			wantImage:  "nginx:1.19",
		},
		{
			name:       "the racing writer repairs the drift",
			races:      1,
			restore:    true,
			wantWrites: 1,
			wantAction: []string{"ConfigMap/cfg remediated", "Deployment/web drift-detected (resolved-before-remediation)"},
			wantImage:  "nginx:1.25",
		},
	}
	for _, s := range strategies {
		for _, tc := range tests {
			t.Run(string(s)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				f := apply(t, manifests)
				f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
				f.Kubectl(t, "patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"a":"2"}}`)
				scaled := int64(0)
				rc := &racer{Client: f.Client, races: tc.races, write: func(ctx context.Context, n int) error {
					scaled = int64(10 + n)
					if _, _, err := f.Env.Run(ctx, "", "-n", f.NS, "scale", "deployment/web", fmt.Sprintf("--replicas=%d", scaled)); err != nil || !tc.restore {
						return err
					}
					_, _, err := f.Env.Run(ctx, "", "-n", f.NS, "set", "image", "deployment/web", "web=nginx:1.25")
					return err
				}}

				r := f.remediate(t, s, rc, "spec.replicas")
				got := actions(r)
				for i := range got {
					got[i], _, _ = strings.Cut(got[i], ":")
				}
				if diff := cmp.Diff(tc.wantAction, got); diff != "" {
					t.Errorf("actions (-want +got):\n%s", diff)
				}
				if rc.writes != tc.wantWrites {
					t.Errorf("%d writes sent, want %d", rc.writes, tc.wantWrites)
				}
				if n := replicas(t, f); n != scaled {
					t.Errorf("spec.replicas = %d, want %d (the autoscaler's last value)", n, scaled)
				}
				image, _, _ := unstructured.NestedSlice(f.Live(t)["Deployment/web"].Object, "spec", "template", "spec", "containers")
				if got := image[0].(map[string]any)["image"]; got != tc.wantImage {
					t.Errorf("image = %v, want %s", got, tc.wantImage)
				}
				for _, res := range r.Resources {
					if res.Action == "remediation-failed" && !strings.Contains(res.Error, "gave up after 4 attempts") {
						t.Errorf("error %q does not say it gave up after 4 attempts", res.Error)
					}
				}
			})
		}
	}
}
