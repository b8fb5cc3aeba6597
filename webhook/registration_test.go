package webhook

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
)

// registrationGit is a desired state using, for each kind, the version a rule of the install
// lists (the preferred one), except where a test changes it.
const registrationGit = `apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: skipped
  annotations: {drift.gitops.io/skip: "true"}
`

// registrationMapper serves the kinds of registrationGit, HorizontalPodAutoscaler in v2 and
// v1, and ClusterRole.
func registrationMapper() meta.RESTMapper {
	kinds := []struct {
		gvk   schema.GroupVersionKind
		scope meta.RESTScope
	}{
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, meta.RESTScopeNamespace},
		{schema.GroupVersionKind{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}, meta.RESTScopeNamespace},
		{schema.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "HorizontalPodAutoscaler"}, meta.RESTScopeNamespace},
		{schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, meta.RESTScopeNamespace},
		{schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}, meta.RESTScopeRoot},
	}
	var preferred []schema.GroupVersion
	for _, k := range kinds {
		preferred = append(preferred, k.gvk.GroupVersion())
	}
	m := meta.NewDefaultRESTMapper(preferred)
	for _, k := range kinds {
		m.Add(k.gvk, k.scope)
	}
	return m
}

// installWebhook returns the ValidatingWebhookConfiguration of manifests/webhook.yaml.
func installWebhook(t *testing.T) *admissionregistrationv1.ValidatingWebhookConfiguration {
	t.Helper()
	data, err := os.ReadFile("../manifests/webhook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

func compileYAML(t *testing.T, files map[string]string) *check.Desired {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	set, err := manifest.LoadFS(fsys, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, testRevision, builtin.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestRegistrationWarnings checks the install's registration against manifests in Git's
// common forms, and variations of either that leave changes unjudged.
func TestRegistrationWarnings(t *testing.T) {
	const hpaV1 = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: old}\nspec: {scaleTargetRef: {kind: Deployment, name: a}, maxReplicas: 3}\n"
	const clusterRole = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\nrules: []\n"
	hpaRule := func(cfg *admissionregistrationv1.ValidatingWebhookConfiguration) *admissionregistrationv1.RuleWithOperations {
		for i, r := range cfg.Webhooks[0].Rules {
			if len(r.APIGroups) == 1 && r.APIGroups[0] == "autoscaling" {
				return &cfg.Webhooks[0].Rules[i]
			}
		}
		t.Fatal("manifests/webhook.yaml has no autoscaling rule")
		return nil
	}
	const hook = "webhook validate.drift.gitops.io"
	tests := []struct {
		name   string
		extra  string
		change func(*admissionregistrationv1.ValidatingWebhookConfiguration)
		want   []string
	}{{
		name: "install, Git in the preferred versions",
	}, {
		name:  "Git in a version the rules do not list",
		extra: hpaV1,
		want: []string{"extra.yaml:1: HorizontalPodAutoscaler default/old (autoscaling/v1): " + hook +
			" is sent horizontalpodautoscalers.autoscaling as v2 only: changes to it are never judged against Git's v1 (the auditor still checks it); write it as autoscaling/v2 in Git, or list v1 alone in the rule"},
	}, {
		name:  "kind the rules leave out, counted",
		extra: clusterRole + "---\n" + "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: writer}\n",
		want: []string{"extra.yaml:1: ClusterRole reader (rbac.authorization.k8s.io/v1): " + hook +
			" has no rule for clusterroles.rbac.authorization.k8s.io: changes to it are never judged (the auditor still checks it) (and 1 more ClusterRole objects)"},
	}, {
		name:  "enforcement off is not judged anyway",
		extra: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, annotations: {drift.gitops.io/enforcement: \"off\"}}\n",
	}, {
		name: "two versions in the rule",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			hpaRule(c).APIVersions = []string{"v1", "v2"}
		},
		want: []string{"main.yaml:9: HorizontalPodAutoscaler default/web (autoscaling/v2): " + hook +
			" is sent horizontalpodautoscalers.autoscaling as made in each of v1, v2: changes made in another version than v2 are not judged; list v2 alone in the rule (matchPolicy Equivalent converts the others)"},
	}, {
		name: "every version in the rule",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			hpaRule(c).APIVersions = []string{"*"}
		},
		want: []string{"main.yaml:9: HorizontalPodAutoscaler default/web (autoscaling/v2): " + hook +
			` is sent horizontalpodautoscalers.autoscaling in every version as the request was made (apiVersions "*"): changes made in another version than v2 are not judged; list v2 alone in the rule (matchPolicy Equivalent converts the others)`},
	}, {
		name: "matchPolicy Exact",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			c.Webhooks[0].MatchPolicy = new(admissionregistrationv1.Exact)
		},
		want: []string{"main.yaml:9: HorizontalPodAutoscaler default/web (autoscaling/v2): " + hook +
			" has matchPolicy Exact: changes made in v1 are not sent; use matchPolicy Equivalent"},
	}, {
		name: "wildcard resources and no matchPolicy (Equivalent)",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			c.Webhooks[0].MatchPolicy = nil
			c.Webhooks[0].Rules = []admissionregistrationv1.RuleWithOperations{
				{Operations: []admissionregistrationv1.OperationType{"*"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps", ""}, APIVersions: []string{"v1"}, Resources: []string{"*/*"}}},
				{Operations: []admissionregistrationv1.OperationType{"UPDATE"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{"*"}, APIVersions: []string{"v2"}, Resources: []string{"horizontalpodautoscalers/*"}}},
			}
		},
	}, {
		name: "a scale rule does not send its main resource",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			c.Webhooks[0].Rules = slices.DeleteFunc(c.Webhooks[0].Rules, func(r admissionregistrationv1.RuleWithOperations) bool {
				return slices.Contains(r.Resources, "deployments")
			})
			if !slices.ContainsFunc(c.Webhooks[0].Rules, func(r admissionregistrationv1.RuleWithOperations) bool {
				return slices.Contains(r.Resources, "deployments/scale")
			}) {
				t.Fatal("manifests/webhook.yaml has no rule for deployments/scale")
			}
		},
		want: []string{"main.yaml:1: Deployment default/a (apps/v1): " + hook +
			" has no rule for deployments.apps: changes to it are never judged (the auditor still checks it) (and 1 more Deployment objects)"},
	}, {
		name: "scope and operations must match",
		change: func(c *admissionregistrationv1.ValidatingWebhookConfiguration) {
			c.Webhooks[0].Rules = []admissionregistrationv1.RuleWithOperations{
				{Operations: []admissionregistrationv1.OperationType{"CONNECT"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{"*"}, APIVersions: []string{"*"}, Resources: []string{"*"}}},
				{Operations: []admissionregistrationv1.OperationType{"*"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{"*"}, APIVersions: []string{"v1"}, Resources: []string{"*"}, Scope: new(admissionregistrationv1.ClusterScope)}},
				{Operations: []admissionregistrationv1.OperationType{"*"}, Rule: admissionregistrationv1.Rule{APIGroups: []string{"apps", "", "autoscaling"}, APIVersions: []string{"v1", "v2"}, Resources: []string{"deployments", "configmaps", "horizontalpodautoscalers"}, Scope: new(admissionregistrationv1.NamespacedScope)}},
			}
			c.Webhooks[0].Rules[2].APIVersions = []string{"v1"}
			c.Webhooks[0].Rules = append(c.Webhooks[0].Rules, admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{"DELETE"},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{"autoscaling"}, APIVersions: []string{"v2"}, Resources: []string{"horizontalpodautoscalers"}},
			})
		},
		extra: clusterRole,
		want: []string{"main.yaml:9: HorizontalPodAutoscaler default/web (autoscaling/v2): " + hook +
			" is sent horizontalpodautoscalers.autoscaling as made in each of v1, v2: changes made in another version than v2 are not judged; list v2 alone in the rule (matchPolicy Equivalent converts the others)"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"main.yaml": registrationGit}
			if tt.extra != "" {
				files["extra.yaml"] = tt.extra
			}
			cfg := installWebhook(t)
			if tt.change != nil {
				tt.change(cfg)
			}
			var got []string
			for _, w := range RegistrationWarnings(compileYAML(t, files), cfg, registrationMapper()) {
				got = append(got, w.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
