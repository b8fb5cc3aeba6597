package webhook

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/gitops-drift/gitops-drift/pkg/attribution"
	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// recordedGit is the desired state of TestRecordsJoinManagedFields, in namespace NS.
const recordedGit = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: NS
  labels:
    tier: web
  annotations:
    owner: team-a
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: NS
data:
  color: blue
  size: small
`

// TestRecordsJoinManagedFields: people change tracked objects with kubectl's verbs through the
// real API server, the Handler and its Recorder registered as serve registers them. Each
// change's DriftAdmitted Event names the managedFields entry the API server wrote for it: the
// auditor's view of the object (Target.Compare, owners from managedFields) joined with the
// records (pkg/attribution) names, for every drifted field, the person who changed it last.
// kubectl scale is joined approximately: the API server keeps no time for the scale
// subresource (see attribution.Record.Approximate).
func TestRecordsJoinManagedFields(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	git := strings.ReplaceAll(recordedGit, "NS", ns)
	d := compileFS(t, fstest.MapFS{"git.yaml": {Data: []byte(git)}})
	if _, _, err := e.Run(t.Context(), git, "create", "-f", "-"); err != nil {
		t.Fatal(err)
	}
	allowEdits(t, e, ns, "alice@example.com", "bob@example.com")
	rec := NewRecorder(e.Clientset(t).EventsV1(), RecorderOptions{Instance: "test"})
	go func() { _ = rec.Start(t.Context()) }()
	registerRecorded(t, e, ns, serveTLS(t, NewHandler(storeOf(d), Options{Recorder: rec})))
	waitJudged(t, e, ns)

	dyn, err := dynamic.NewForConfig(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	steps := []struct {
		user  string
		env   []string
		args  []string
		field string // the field the step makes drift
		owner string // its owner afterwards
	}{
		{"alice@example.com", nil, []string{"set", "image", "deployment/web", "web=nginx:1.19"},
			"deployments/web spec.template.spec.containers[name=web].image", "kubectl-set (Update)"},
		{"bob@example.com", nil, []string{"label", "--overwrite", "deployment/web", "tier=db"},
			"deployments/web metadata.labels.tier", "kubectl-label (Update)"},
		{"alice@example.com", []string{"KUBE_EDITOR=sed -i -e s/team-a/team-b/"}, []string{"edit", "deployment/web"},
			"deployments/web metadata.annotations.owner", "kubectl-edit (Update)"},
		{"bob@example.com", nil, []string{"patch", "configmap/settings", "-p", `{"data":{"color":"red"}}`},
			"configmaps/settings data.color", "kubectl-patch (Update)"},
		{"alice@example.com", nil, []string{"scale", "deployment/web", "--replicas=5"},
			"deployments/web spec.replicas", "kubectl (Update /scale)"},
		{"bob@example.com", nil, []string{"apply", "--server-side", "--force-conflicts", "-f", "-"},
			"configmaps/settings data.size", "kubectl (Apply)"},
		// Another person's later write to bob's field: it is theirs now, bob's record no longer
		// matches it.
		{"alice@example.com", []string{"KUBE_EDITOR=sed -i -e s/red/green/"}, []string{"edit", "configmap/settings"},
			"configmaps/settings data.color", "kubectl-edit (Update)"},
	}
	for _, s := range steps {
		stdin := ""
		if s.args[0] == "apply" {
			stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  size: large\n"
		}
		kubectlAs(t, e, ns, s.user, s.env, stdin, s.args...)
		want[s.field] = s.owner + " by " + s.user
		var got map[string]string
		if !eventually(30*time.Second, func() bool { got = people(t, d, dyn, ns); return cmp.Equal(want, got) }) {
			t.Fatalf("after kubectl %s as %s, the drifted fields name (-want +got):\n%s", strings.Join(s.args, " "), s.user, cmp.Diff(want, got))
		}
	}
}

// eventually calls done every 100ms until it returns true, for at most timeout; it returns
// done's last answer.
func eventually(timeout time.Duration, done func() bool) bool {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// people returns, for each drifted field of the tracked objects of ns, its owner and the
// person the records of its object name: "kubectl-set (Update) by alice@example.com".
func people(t *testing.T, d *check.Desired, dyn dynamic.Interface, ns string) map[string]string {
	t.Helper()
	lister := &attribution.Lister{Client: dyn}
	out := map[string]string{}
	for _, r := range []struct {
		gvr  schema.GroupVersionResource
		kind string
	}{
		{schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "Deployment"},
		{schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, "ConfigMap"},
	} {
		for _, name := range []string{"web", "settings"} {
			tg, ok := d.Lookup(manifest.Key{Group: r.gvr.Group, Kind: r.kind, Namespace: ns, Name: name})
			if !ok {
				continue
			}
			live, err := dyn.Resource(r.gvr).Namespace(ns).Get(t.Context(), name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := lister.ObjectRecords(t.Context(), ns, live.GetUID())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range attribution.Attribute(tg.Compare(live.Object), recs, attribution.Options{}) {
				o := f.Owner
				who := o.Manager + " (" + o.Operation
				if o.Subresource != "" {
					who += " /" + o.Subresource
				}
				who += ")"
				if o.User != "" {
					who += " by " + o.User
					if !slices.Contains(o.Groups, "system:authenticated") {
						t.Errorf("%s: groups %v, want the user's, system:authenticated among them", f.Path, o.Groups)
					}
				} else {
					who += ", user unknown (" + o.UserUnknown + ")"
				}
				out[r.gvr.Resource+"/"+name+" "+f.Path] = who
			}
		}
	}
	return out
}

// kubectlAs runs kubectl in ns as user (impersonated by the admin), with env added.
func kubectlAs(t *testing.T, e *kubeenv.Env, ns, user string, env []string, stdin string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), e.Kubectl, append([]string{"--kubeconfig", e.Kubeconfig, "-n", ns, "--as", user}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s as %s: %v\n%s", strings.Join(args, " "), user, err, out.String())
	}
}

// allowEdits lets users read and change Deployments, their scale, and ConfigMaps in ns.
func allowEdits(t *testing.T, e *kubeenv.Env, ns string, users ...string) {
	t.Helper()
	role := &rbacv1.Role{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: ns},
		Rules: []rbacv1.PolicyRule{
			{APIGroups: []string{"apps"}, Resources: []string{"deployments", "deployments/scale"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch"}},
			{APIGroups: []string{""}, Resources: []string{"configmaps"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch"}},
		},
	}
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "editors", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "editors"},
	}
	for _, u := range users {
		rb.Subjects = append(rb.Subjects, rbacv1.Subject{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: u})
	}
	cs := e.Clientset(t)
	if _, err := cs.RbacV1().Roles(ns).Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.RbacV1().RoleBindings(ns).Create(t.Context(), rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// compileFS compiles the desired state in git.
func compileFS(t *testing.T, git fstest.MapFS) *check.Desired {
	t.Helper()
	set, err := manifest.LoadFS(git, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, testRevision, builtin.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// registerRecorded registers the webhook at w for Deployments, their scale and ConfigMaps in
// ns, as manifests/webhook.yaml does (failurePolicy Ignore).
func registerRecorded(t *testing.T, e *kubeenv.Env, ns string, w webhookURL) {
	t.Helper()
	ignore := admissionregistrationv1.Ignore
	none := admissionregistrationv1.SideEffectClassNone
	equivalent := admissionregistrationv1.Equivalent
	ops := []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}
	rule := func(group string, resources ...string) admissionregistrationv1.RuleWithOperations {
		return admissionregistrationv1.RuleWithOperations{Operations: ops, Rule: admissionregistrationv1.Rule{APIGroups: []string{group}, APIVersions: []string{"v1"}, Resources: resources}}
	}
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "gitops-drift-" + ns},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "validate.drift.gitops.io",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &w.url, CABundle: w.ca},
			Rules:                   []admissionregistrationv1.RuleWithOperations{rule("apps", "deployments", "deployments/scale"), rule("", "configmaps")},
			FailurePolicy:           &ignore,
			MatchPolicy:             &equivalent,
			SideEffects:             &none,
			AdmissionReviewVersions: []string{"v1"},
			NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
				Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{ns},
			}}},
		}},
	}
	cs := e.Clientset(t)
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(t.Context(), cfg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), cfg.Name, metav1.DeleteOptions{})
	})
}

// waitJudged waits until the API server calls the webhook registered for ns: a dry-run patch
// of the ConfigMap settings away from Git gets its warning. A dry run is not recorded.
func waitJudged(t *testing.T, e *kubeenv.Env, ns string) {
	t.Helper()
	called := eventually(30*time.Second, func() bool {
		_, stderr, err := e.Run(t.Context(), "", "-n", ns, "patch", "configmap/settings", "--dry-run=server", "-p", `{"data":{"color":"probe"}}`)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(stderr, "gitops-drift")
	})
	if !called {
		t.Fatal("the API server did not call the webhook within 30s")
	}
}
