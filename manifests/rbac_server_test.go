package manifests_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// TestServeWithTheInstallsRBAC checks the install's RBAC on a real API server, for every
// combination of the opt-in parts but git (which makes no API call and grants nothing:
// TestRBACIsWhatServeCalls shows its combinations bind what the others do). For each, under
// a ServiceAccount of its own bound as the install binds it, with a token from the
// TokenRequest API:
//   - the authorizer allows exactly serve's calls (calls), beyond what any ServiceAccount may
//     do, among the verbs on every kind serve could touch; a write without the remediation
//     part is refused with the token;
//   - `gitops-drift serve`, run with the Deployment's args and that token over a desired state
//     that drifts (and holds a Secret when Secrets are tracked), audits, records Events,
//     remediates and writes policy reports when its parts are on, serves its metrics over
//     HTTPS to a scraper bound to the install's metrics-reader ClusterRole and to no other
//     (checkScrapes), and logs no "forbidden".
//
// The git part alone is then run as installed, for POST /git/refresh by its ClusterRole
// (checkRefreshAsInstalled).
func TestServeWithTheInstallsRBAC(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real API server; skipped under -short")
	}
	env, err := kubeenv.Start(kubeenv.Options{CRDDirectoryPaths: []string{"crds"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	})
	admin := env.Clientset(t)
	if _, err := admin.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: installNamespace}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	bin := servetest.Build(t)
	certDir := t.TempDir()
	bundle, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	if err := bundle.Write(certDir); err != nil {
		t.Fatal(err)
	}
	// What any ServiceAccount may do (system:basic-user, system:discovery, ...): the
	// authorizer allows it whatever the install binds.
	baseline := account{name: "no-bindings"}
	createServiceAccount(t, admin, baseline.name)

	for i, on := range combinations() {
		if has(on, partGit) {
			continue
		}
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			sa := account{name: fmt.Sprintf("gitops-drift-%d", i)}
			bindAs(t, admin, in, sa.name, fmt.Sprintf("-%d", i))
			cluster, namespaced := calls(t, in)
			ns := env.Namespace(t)
			sa.waitAllowed(t, admin, ns, cluster, namespaced)
			for _, a := range attempts(ns) {
				want := a.within(ns, cluster, namespaced) || baseline.allowed(t, admin, a)
				if got := sa.allowed(t, admin, a); got != want {
					t.Errorf("%s: allowed %t, want %t", a, got, want)
				}
			}
			kubeconfig := servetest.TokenKubeconfig(t, env, admin, installNamespace, sa.name)
			if !has(on, partRemediation) {
				writeRefused(t, kubeconfig, ns)
			}
			registerWebhook(t, admin, in)
			runServe(t, env, bin, in, kubeconfig, certDir, ns, on, fmt.Sprintf("-%d", i))
		})
	}
	t.Run("git: POST /git/refresh by the install's role", func(t *testing.T) {
		checkRefreshAsInstalled(t, env, bin, certDir)
	})
}

// account is a ServiceAccount of the install's namespace.
type account struct{ name string }

func (a account) user() string {
	return "system:serviceaccount:" + installNamespace + ":" + a.name
}

// allowed asks the authorizer whether the ServiceAccount may make the call at.
func (a account) allowed(t *testing.T, admin kubernetes.Interface, at attempt) bool {
	t.Helper()
	sar := &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		User:   a.user(),
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:" + installNamespace, "system:authenticated"},
		ResourceAttributes: &authzv1.ResourceAttributes{
			Namespace: at.namespace, Verb: at.verb, Group: at.group, Resource: at.resource, Name: at.name,
		},
	}}
	got, err := admin.AuthorizationV1().SubjectAccessReviews().Create(t.Context(), sar, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return got.Status.Allowed
}

// waitAllowed waits until the authorizer allows every call (its RBAC cache follows the
// bindings through an informer).
func (a account) waitAllowed(t *testing.T, admin kubernetes.Interface, ns string, cluster, namespaced []permission) {
	t.Helper()
	var want []attempt
	for _, p := range cluster {
		want = append(want, attempt{permission: p, namespace: ns})
	}
	for _, p := range namespaced {
		want = append(want, attempt{permission: p, namespace: installNamespace})
	}
	err := wait.PollUntilContextTimeout(t.Context(), 50*time.Millisecond, 15*time.Second, true, func(context.Context) (bool, error) {
		for len(want) > 0 && a.allowed(t, admin, want[0]) {
			want = want[1:]
		}
		return len(want) == 0, nil
	})
	if err != nil {
		t.Fatalf("%s: not allowed after 15s: %v", want[0], err)
	}
}

// attempt is a permission asked for in a namespace ("" for cluster-scoped resources).
type attempt struct {
	permission
	namespace string
}

func (a attempt) String() string {
	if a.namespace == "" {
		return a.permission.String()
	}
	return a.permission.String() + " in " + a.namespace
}

// within reports whether the calls (cluster-wide, and in the install's namespace) include a,
// made in the namespace ns of the tracked objects or in the install's.
func (a attempt) within(ns string, cluster, namespaced []permission) bool {
	match := func(p permission) bool {
		return p.verb == a.verb && p.group == a.group && p.resource == a.resource && (p.name == "" || p.name == a.name)
	}
	for _, p := range cluster {
		if match(p) {
			return true
		}
	}
	if a.namespace != installNamespace {
		return false
	}
	for _, p := range namespaced {
		if match(p) {
			return true
		}
	}
	return false
}

// attempts returns the calls worth asking about: every verb on every kind serve could touch
// (the tracked kinds with Secrets, Events of both APIs, the report kinds of both APIs), in the
// namespace ns of the tracked objects and in the install's, and the named objects of the
// install with another name.
func attempts(ns string) []attempt {
	type kind struct {
		group, resource string
		namespaced      bool
	}
	kinds := []kind{
		{"apps", "deployments", true}, {"apps", "statefulsets", true}, {"apps", "daemonsets", true},
		{"", "services", true}, {"", "configmaps", true}, {"", "secrets", true}, {"", "serviceaccounts", true},
		{"", "namespaces", false}, {"batch", "cronjobs", true}, {"networking.k8s.io", "ingresses", true},
		{"autoscaling", "horizontalpodautoscalers", true},
		{"", "events", true}, {"events.k8s.io", "events", true},
		{"coordination.k8s.io", "leases", true},
		{"admissionregistration.k8s.io", "validatingwebhookconfigurations", false},
		{"authentication.k8s.io", "selfsubjectreviews", false},
		{"authentication.k8s.io", "tokenreviews", false},
		{"authorization.k8s.io", "subjectaccessreviews", false},
	}
	for _, api := range policyreport.APIs {
		n, c := api.Kinds()
		kinds = append(kinds, kind{n.Group, n.Resource, true}, kind{c.Group, c.Resource, false})
	}
	var out []attempt
	for _, k := range kinds {
		spaces := []string{""}
		if k.namespaced {
			spaces = []string{ns, installNamespace}
		}
		for _, space := range spaces {
			for _, v := range []string{"get", "list", "watch", "create", "patch", "update", "delete"} {
				for _, n := range []string{"", leaseName, "another"} {
					if n != "" && (v == "list" || v == "watch" || v == "create") {
						continue
					}
					out = append(out, attempt{permission: permission{verb: v, group: k.group, resource: k.resource, name: n}, namespace: space})
				}
			}
		}
	}
	return out
}

// bindAs creates the install's RBAC for a ServiceAccount of its own, name: the
// ServiceAccount, and every role and binding renamed with suffix, bound to it.
func bindAs(t *testing.T, admin kubernetes.Interface, in *install, name, suffix string) {
	t.Helper()
	ctx := t.Context()
	createServiceAccount(t, admin, name)
	rbac := admin.RbacV1()
	subjects := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: installNamespace}}
	var errs []error
	for _, r := range all[*rbacv1.ClusterRole](in) {
		r = r.DeepCopy()
		r.Name += suffix
		_, err := rbac.ClusterRoles().Create(ctx, r, metav1.CreateOptions{})
		errs = append(errs, err)
	}
	for _, b := range all[*rbacv1.ClusterRoleBinding](in) {
		b = b.DeepCopy()
		b.Name += suffix
		b.RoleRef.Name += suffix
		b.Subjects = subjects
		_, err := rbac.ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{})
		errs = append(errs, err)
	}
	for _, r := range all[*rbacv1.Role](in) {
		r = r.DeepCopy()
		r.Name += suffix
		_, err := rbac.Roles(r.Namespace).Create(ctx, r, metav1.CreateOptions{})
		errs = append(errs, err)
	}
	for _, b := range all[*rbacv1.RoleBinding](in) {
		b = b.DeepCopy()
		b.Name += suffix
		b.RoleRef.Name += suffix
		b.Subjects = subjects
		_, err := rbac.RoleBindings(b.Namespace).Create(ctx, b, metav1.CreateOptions{})
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func createServiceAccount(t *testing.T, admin kubernetes.Interface, name string) {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: installNamespace}}
	if _, err := admin.CoreV1().ServiceAccounts(installNamespace).Create(t.Context(), sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// writeRefused checks that the ServiceAccount of kubeconfig may not write a tracked object.
func writeRefused(t *testing.T, kubeconfig, ns string) {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "written-by-gitops-drift", Namespace: ns}}
	_, err = cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("create a ConfigMap without the remediation part: %v; want forbidden", err)
	}
	_, err = cs.CoreV1().Namespaces().Patch(t.Context(), ns, types.MergePatchType, []byte(`{"metadata":{"labels":{"by":"gitops-drift"}}}`), metav1.PatchOptions{})
	if !apierrors.IsForbidden(err) {
		t.Errorf("patch a Namespace without the remediation part: %v; want forbidden", err)
	}
}

// registerWebhook creates (or replaces) the install's ValidatingWebhookConfiguration, which
// serve reads at each load, sent no request (its namespaceSelector matches no namespace).
func registerWebhook(t *testing.T, admin kubernetes.Interface, in *install) {
	t.Helper()
	vwc := only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in).DeepCopy()
	for i := range vwc.Webhooks {
		vwc.Webhooks[i].NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"no-namespace-has": "this-label"}}
	}
	api := admin.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	if err := api.Delete(t.Context(), vwc.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	if _, err := api.Create(t.Context(), vwc, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// desiredState returns the desired state of the serve run in namespace ns: a ConfigMap that
// drifts, one that is missing and, with Secrets tracked, a missing Secret.
func desiredState(ns string, secrets bool) string {
	s := fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: drifted, namespace: %[1]s}
data: {color: blue}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: missing, namespace: %[1]s}
data: {color: blue}
`, ns)
	if secrets {
		s += fmt.Sprintf("---\napiVersion: v1\nkind: Secret\nmetadata: {name: missing, namespace: %s}\nstringData: {pin: \"4711\"}\n", ns)
	}
	return s
}

// runServe runs serve with the Deployment's args under the token of kubeconfig over
// desiredState, waits for its first audit and for what the parts on do, scrapes its metrics as
// a caller bound to the install's metrics-reader ClusterRole (created with suffix by bindAs),
// stops it, and fails the test on any "forbidden" in its output.
func runServe(t *testing.T, env *kubeenv.Env, bin string, in *install, kubeconfig, certDir, ns string, on []string, suffix string) {
	t.Helper()
	admin := env.Clientset(t)
	live := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "drifted", Namespace: ns}, Data: map[string]string{"color": "red"}}
	if _, err := admin.CoreV1().ConfigMaps(ns).Create(t.Context(), live, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	desired := t.TempDir()
	if err := os.WriteFile(filepath.Join(desired, "desired.yaml"), []byte(desiredState(ns, has(on, partSecrets))), 0o600); err != nil {
		t.Fatal(err)
	}
	metrics, health := servetest.FreePort(t), servetest.FreePort(t)
	metricsCerts, ca := servetest.MetricsCerts(t)
	// --log-level=debug, so that errors logged at V(1) (remediation history) show.
	args := servetest.Args(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)).Args, map[string]string{
		"--manifests":                 desired,
		"--cert-dir":                  certDir,
		"--webhook-port":              fmt.Sprint(servetest.FreePort(t)),
		"--metrics-bind-address":      fmt.Sprintf("127.0.0.1:%d", metrics),
		"--metrics-cert-dir":          metricsCerts,
		"--health-probe-bind-address": fmt.Sprintf("127.0.0.1:%d", health),
		"--kubeconfig":                kubeconfig,
		"--log-level":                 "debug",
	})
	p := servetest.Start(t, bin, args)
	poll := func(what string, done func() bool) {
		t.Helper()
		p.Poll(what, 60*time.Second, done)
	}
	p.WaitReady(health)
	summary := p.WaitLog("audit done")
	if summary["errors"] != 0.0 || summary["failed"] != 0.0 {
		t.Errorf("audit done %v; want no errors and no failed remediation", summary)
	}
	poll("an Event on a drifted object", func() bool {
		evs, err := admin.EventsV1().Events(ns).List(t.Context(), metav1.ListOptions{})
		return err == nil && len(evs.Items) > 0
	})
	if has(on, partRemediation) {
		poll("remediation", func() bool {
			cm, err := admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "drifted", metav1.GetOptions{})
			if err != nil || cm.Data["color"] != "blue" {
				return false
			}
			_, err = admin.CoreV1().ConfigMaps(ns).Get(t.Context(), "missing", metav1.GetOptions{})
			if err == nil && has(on, partSecrets) {
				_, err = admin.CoreV1().Secrets(ns).Get(t.Context(), "missing", metav1.GetOptions{})
			}
			return err == nil
		})
	}
	if has(on, partPolicyReports) {
		api, err := policyreport.ParseAPI(serveOptions(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in))).PolicyReportAPI)
		if err != nil {
			t.Fatal(err)
		}
		dyn, err := dynamic.NewForConfig(env.Config)
		if err != nil {
			t.Fatal(err)
		}
		reports, _ := api.Kinds()
		poll("the policy report", func() bool {
			_, err := dyn.Resource(reports.GroupVersionResource).Namespace(ns).Get(t.Context(), policyreport.Source, metav1.GetOptions{})
			return err == nil
		})
	}
	checkScrapes(t, admin, ns, fmt.Sprintf("https://127.0.0.1:%d", metrics), ca, "gitops-drift-metrics-reader"+suffix)
	p.Stop()
	for _, line := range servetest.Forbidden(p.Output()) {
		t.Errorf("serve was refused a call: %s", line)
	}
}
