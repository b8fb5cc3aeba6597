package remediate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/pkg/remediate"
	"github.com/gitops-drift/gitops-drift/test/drifttest"
)

// TestPermissions runs remediation as a user that holds exactly the verbs the documentation
// lists for a strategy (get and list to check; patch for apply, update for replace; create
// for missing objects), then as users that lack one of them: the write it needed fails as
// remediation-failed and the others still happen.
func TestPermissions(t *testing.T) {
	tests := []struct {
		strategy remediate.Strategy
		verbs    string
		want     []string
	}{
		{
			strategy: remediate.StrategyApply, verbs: "get,list,patch,create",
			want: []string{"ConfigMap/cfg remediated", "ConfigMap/gone created", "Deployment/web remediated"},
		},
		{
			strategy: remediate.StrategyReplace, verbs: "get,list,update,create",
			want: []string{"ConfigMap/cfg remediated", "ConfigMap/gone created", "Deployment/web remediated"},
		},
		{
			strategy: remediate.StrategyApply, verbs: "get,list,update,create",
			want: []string{"ConfigMap/cfg remediation-failed", "ConfigMap/gone created", "Deployment/web remediation-failed"},
		},
		{
			strategy: remediate.StrategyReplace, verbs: "get,list,patch,create",
			want: []string{"ConfigMap/cfg remediation-failed", "ConfigMap/gone created", "Deployment/web remediation-failed"},
		},
		{
			strategy: remediate.StrategyApply, verbs: "get,list,patch",
			want: []string{"ConfigMap/cfg remediated", "ConfigMap/gone remediation-failed", "Deployment/web remediated"},
		},
	}
	for _, tc := range tests {
		t.Run(string(tc.strategy)+"/"+strings.ReplaceAll(tc.verbs, ",", "-"), func(t *testing.T) {
			t.Parallel()
			f := apply(t, drifttest.Deployment+`---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gone}
data: {a: "1"}
`)
			f.Kubectl(t, "delete", "configmap/gone")
			f.Kubectl(t, "set", "image", "deployment/web", "web=nginx:1.19")
			f.Kubectl(t, "patch", "configmap/cfg", "--type", "merge", "-p", `{"data":{"a":"2"}}`)
			user := grant(t, f, tc.verbs)

			rem, err := remediate.New(user, remediate.Options{Strategy: tc.strategy})
			if err != nil {
				t.Fatal(err)
			}
			r := check.Run(t.Context(), f.Desired(t), user, check.Options{Remediator: rem})
			got := actions(r)
			for i, a := range got {
				head, reason, failed := strings.Cut(a, ": ")
				if failed && !strings.Contains(reason, "forbidden") {
					t.Errorf("%s: want a forbidden error", a)
				}
				got[i] = head
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
		})
	}
}

// grant creates a user that holds verbs on ConfigMaps and Deployments in the fixture's
// namespace, and returns a client that acts as that user.
func grant(t *testing.T, f *fixture, verbs string) *cluster.Client {
	t.Helper()
	name := "remediator-" + f.NS
	f.Env.KubectlT(t, fmt.Sprintf(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: gitops-drift, namespace: %[1]s}
rules:
  - apiGroups: ["", apps]
    resources: [configmaps, deployments]
    verbs: [%[2]s]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: gitops-drift, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gitops-drift}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: %[3]s}]
`, f.NS, verbs, name), "apply", "-f", "-")
	// The authorizer learns of the binding through an informer: wait until it answers for it.
	err := wait.PollUntilContextTimeout(t.Context(), 10*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		_, _, err := f.Env.Run(ctx, "", "auth", "can-i", "get", "configmaps", "-n", f.NS, "--as", name)
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("binding for %s not in force: %v", name, err)
	}
	cfg := rest.CopyConfig(f.Env.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: name}
	c, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
