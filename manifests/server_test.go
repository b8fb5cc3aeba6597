package manifests_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// warnings collects the API server's warnings.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) HandleWarningHeaderWithContext(_ context.Context, _ int, _ string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	msgs := w.msgs
	w.msgs = nil
	return msgs
}

// creator creates objects on a real API server with strict field validation.
type creator struct {
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
	warns  *warnings
}

func newCreator(t *testing.T, cfg *rest.Config) *creator {
	t.Helper()
	cfg = rest.CopyConfig(cfg)
	w := &warnings{}
	cfg.WarningHandlerWithContext = w
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &creator{dyn: dyn, mapper: restmapper.NewDeferredDiscoveryRESTMapper(memoryCache{dc}), warns: w}
}

// memoryCache is a discovery client that is never stale: enough for a fixed set of kinds.
type memoryCache struct{ discovery.DiscoveryInterface }

func (memoryCache) Fresh() bool { return true }
func (memoryCache) Invalidate() {}

// create creates obj and returns the server's warnings.
func (c *creator) create(t *testing.T, obj runtime.Object) ([]string, error) {
	t.Helper()
	data, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: data}
	m, err := c.mapper.RESTMapping(u.GroupVersionKind().GroupKind(), u.GroupVersionKind().Version)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.dyn.Resource(m.Resource).Namespace(u.GetNamespace()).Create(t.Context(), u, metav1.CreateOptions{FieldValidation: metav1.FieldValidationStrict})
	return c.warns.take(), err
}

// TestAPIServerAcceptsInstall creates the install's built-in objects on a real API server (the
// cert-manager ones need its CRDs): each must be valid, and the Deployment's pods must meet the
// "restricted" Pod Security Standard the Namespace enforces (the server warns otherwise).
func TestAPIServerAcceptsInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real API server; skipped under -short")
	}
	env, err := kubeenv.Start(kubeenv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Error(err)
		}
	})
	c := newCreator(t, env.Config)
	objs := slices.DeleteFunc(loadInstall(t).objects, func(o object) bool { return o.gvk.Group == cmv1.SchemeGroupVersion.Group })
	slices.SortStableFunc(objs, func(a, b object) int { // the Namespace first
		return compareBool(b.gvk.Kind == "Namespace", a.gvk.Kind == "Namespace")
	})
	for _, o := range objs {
		warns, err := c.create(t, o.obj)
		if err != nil || len(warns) > 0 {
			t.Errorf("create %s (%s): %v; warnings %q", o.key(), o.file, err, warns)
		}
	}
	t.Run("a pod breaking the standard is warned about", func(t *testing.T) {
		d := only[*appsv1.Deployment](t, loadInstall(t)).DeepCopy()
		d.Name += "-privileged"
		gitopsDriftContainer(t, d).SecurityContext.AllowPrivilegeEscalation = new(true)
		warns, err := c.create(t, d)
		if err != nil || !slices.ContainsFunc(warns, func(w string) bool { return strings.Contains(w, "allowPrivilegeEscalation") }) {
			t.Errorf("create %s: %v; warnings %q; want a PodSecurity warning on allowPrivilegeEscalation", d.Name, err, warns)
		}
	})
	t.Run("the rules list each resource's preferred version", func(t *testing.T) {
		preferredVersionsInRules(t, env, only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, loadInstall(t)))
	})
}

// preferredVersionsInRules checks that every rule of vwc lists the server's preferred version
// of its resources, the version `kubectl explain` and `kubectl get -o yaml` show, so that
// manifests written in it are judged whatever version a request is made in. A subresource
// ("deployments/scale") is served in the versions of its resource.
func preferredVersionsInRules(t *testing.T, env *kubeenv.Env, vwc *admissionregistrationv1.ValidatingWebhookConfiguration) {
	dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := dc.ServerPreferredResources()
	if err != nil {
		t.Fatal(err)
	}
	preferred := map[schema.GroupResource]string{}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			preferred[gv.WithResource(r.Name).GroupResource()] = gv.Version
		}
	}
	for _, w := range vwc.Webhooks {
		for _, r := range w.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					gr := schema.GroupResource{Group: g, Resource: res}
					main, _, _ := strings.Cut(res, "/")
					if want := preferred[schema.GroupResource{Group: g, Resource: main}]; !slices.Equal(r.APIVersions, []string{want}) {
						t.Errorf("webhook %s rule for %s lists %q; want the preferred version %q", w.Name, gr, r.APIVersions, want)
					}
				}
			}
		}
	}
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
