package manifests_test

import (
	"slices"
	"strings"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/google/go-cmp/cmp"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	"github.com/gitops-drift/gitops-drift/webhook"
)

// webhookResources returns the group/resources the webhook's rules send to gitops-drift:
// main resources only, the objects serve watches and writes. Subresources (scale) are left
// out: serve never calls them.
func webhookResources(vwc *admissionregistrationv1.ValidatingWebhookConfiguration) map[schema.GroupResource]bool {
	out := map[schema.GroupResource]bool{}
	for _, gr := range ruleResources(vwc) {
		if !strings.Contains(gr.Resource, "/") {
			out[gr.GroupResource] = true
		}
	}
	return out
}

// ruleResource is one group/resource of a rule, as the rule writes it ("deployments",
// "deployments/scale"), with the rule's operations.
type ruleResource struct {
	schema.GroupResource
	operations []admissionregistrationv1.OperationType
}

// ruleResources returns every group/resource of every rule of vwc's webhooks, in order.
func ruleResources(vwc *admissionregistrationv1.ValidatingWebhookConfiguration) []ruleResource {
	var out []ruleResource
	for _, w := range vwc.Webhooks {
		for _, r := range w.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					out = append(out, ruleResource{GroupResource: schema.GroupResource{Group: g, Resource: res}, operations: r.Operations})
				}
			}
		}
	}
	return out
}

// guessResource returns the resource of a built-in kind (Deployment: deployments).
func guessResource(gvk schema.GroupVersionKind) schema.GroupResource {
	plural, _ := meta.UnsafeGuessKindToResource(gvk)
	return plural.GroupResource()
}

// The webhook's Service and serving Certificate, beside the metrics server's.
const (
	webhookService     = "gitops-drift-webhook"
	webhookCertificate = "gitops-drift-webhook"
)

func TestServiceReachesWebhook(t *testing.T) {
	in := loadInstall(t)
	d := only[*appsv1.Deployment](t, in)
	c := gitopsDriftContainer(t, d)
	opts := serveOptions(t, c)
	svc := named[*corev1.Service](t, in, webhookService)
	if !matches(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, d.Spec.Template.Labels) {
		t.Errorf("Service %s selector %v does not select the pod labels %v", svc.Name, svc.Spec.Selector, d.Spec.Template.Labels)
	}
	if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 443 {
		t.Fatalf("Service %s ports %+v; want one, port 443", svc.Name, svc.Spec.Ports)
	}
	if got := containerPort(t, c, svc.Spec.Ports[0].TargetPort); got != int32(opts.WebhookPort) {
		t.Errorf("Service %s targetPort %s is container port %d; --webhook-port is %d", svc.Name, svc.Spec.Ports[0].TargetPort.String(), got, opts.WebhookPort)
	}
}

func TestCertificate(t *testing.T) {
	in := loadInstall(t)
	d := only[*appsv1.Deployment](t, in)
	c := gitopsDriftContainer(t, d)
	svc, cert, issuer := named[*corev1.Service](t, in, webhookService), named[*cmv1.Certificate](t, in, webhookCertificate), only[*cmv1.Issuer](t, in)
	for _, name := range []string{svc.Name + "." + svc.Namespace + ".svc", svc.Name + "." + svc.Namespace + ".svc.cluster.local"} {
		if !slices.Contains(cert.Spec.DNSNames, name) {
			t.Errorf("Certificate %s dnsNames %q lack %s", cert.Name, cert.Spec.DNSNames, name)
		}
	}
	certDir := serveOptions(t, c).CertDir
	if v := mountedVolume(t, d, c, certDir); v.Secret == nil || v.Secret.SecretName != cert.Spec.SecretName {
		t.Errorf("volume %q at --cert-dir %s is not the Secret %s (the Certificate's secretName)", v.Name, certDir, cert.Spec.SecretName)
	}
	ref := cert.Spec.IssuerRef
	if ref.Name != issuer.Name || (ref.Kind != "" && ref.Kind != cmv1.IssuerKind) || (ref.Group != "" && ref.Group != cmv1.SchemeGroupVersion.Group) {
		t.Errorf("Certificate %s issuerRef %+v; want the Issuer %s", cert.Name, ref, issuer.Name)
	}
}

func TestWebhookConfiguration(t *testing.T) {
	in := loadInstall(t)
	vwc := only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in)
	svc, cert := named[*corev1.Service](t, in, webhookService), named[*cmv1.Certificate](t, in, webhookCertificate)
	if got, want := vwc.Annotations[cmv1.WantInjectAnnotation], cert.Namespace+"/"+cert.Name; got != want {
		t.Errorf("annotation %s = %q; want %q", cmv1.WantInjectAnnotation, got, want)
	}
	if len(vwc.Webhooks) == 0 {
		t.Fatal("ValidatingWebhookConfiguration has no webhooks")
	}
	wantService := &admissionregistrationv1.ServiceReference{
		Namespace: svc.Namespace, Name: svc.Name, Path: ptr.To(webhook.Path), Port: ptr.To(svc.Spec.Ports[0].Port),
	}
	for _, w := range vwc.Webhooks {
		if diff := cmp.Diff(wantService, w.ClientConfig.Service); diff != "" || w.ClientConfig.URL != nil {
			t.Errorf("webhook %s clientConfig.service (-want +got):\n%s", w.Name, diff)
		}
		got := []any{ptr.Deref(w.FailurePolicy, ""), ptr.Deref(w.SideEffects, ""), ptr.Deref(w.TimeoutSeconds, 0), w.AdmissionReviewVersions}
		want := []any{admissionregistrationv1.Ignore, admissionregistrationv1.SideEffectClassNone, int32(3), []string{"v1"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("webhook %s [failurePolicy sideEffects timeoutSeconds admissionReviewVersions] (-want +got):\n%s", w.Name, diff)
		}
		sel, err := metav1.LabelSelectorAsSelector(w.NamespaceSelector)
		if err != nil {
			t.Fatalf("webhook %s namespaceSelector: %v", w.Name, err)
		}
		for ns, want := range map[string]bool{installNamespace: false, metav1.NamespaceSystem: false, metav1.NamespaceDefault: true} {
			if got := sel.Matches(labels.Set{corev1.LabelMetadataName: ns}); got != want {
				t.Errorf("webhook %s namespaceSelector matches namespace %s: %t; want %t", w.Name, ns, got, want)
			}
		}
	}
	checkRuleResources(t, vwc)
}

// checkRuleResources checks what the rules send: no wildcards; main resources, and the scale
// subresource (`kubectl scale`) of Deployments and StatefulSets, for UPDATE only (the only
// operation on a scale) and only where the main resource is sent too. Other subresources
// (status) would be allowed unjudged: sending them costs a call for nothing.
func checkRuleResources(t *testing.T, vwc *admissionregistrationv1.ValidatingWebhookConfiguration) {
	t.Helper()
	main := webhookResources(vwc)
	var scaled []string
	for _, r := range ruleResources(vwc) {
		res, sub, isSub := strings.Cut(r.Resource, "/")
		switch {
		case r.Group == "*" || strings.Contains(r.Resource, "*"):
			t.Errorf("webhook rule %s: want no wildcards", r.GroupResource)
		case !isSub:
		case sub != "scale" || !slices.Equal(r.operations, []admissionregistrationv1.OperationType{admissionregistrationv1.Update}):
			t.Errorf("webhook rule %s for %q: want main resources, and scale subresources for UPDATE alone", r.GroupResource, r.operations)
		case !main[schema.GroupResource{Group: r.Group, Resource: res}]:
			t.Errorf("webhook rule %s: the rules do not send %s itself", r.GroupResource, schema.GroupResource{Group: r.Group, Resource: res})
		default:
			scaled = append(scaled, r.GroupResource.String())
		}
	}
	if diff := cmp.Diff([]string{"deployments/scale.apps", "statefulsets/scale.apps"}, scaled); diff != "" {
		t.Errorf("scale subresources the rules send (-want +got):\n%s", diff)
	}
}

// TestWebhookVersions checks how the rules are written so that a request made in any served
// version of a kind is judged: matchPolicy Equivalent (the API server converts the request to
// the rule's version), one version per resource (the one Git is written in), and the name
// serve reads to warn about manifests in other versions.
func TestWebhookVersions(t *testing.T) {
	in := loadInstall(t)
	vwc := only[*admissionregistrationv1.ValidatingWebhookConfiguration](t, in)
	opts := serveOptions(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)))
	if opts.WebhookConfiguration != vwc.Name {
		t.Errorf("serve --webhook-configuration %q; want %q, the name of the install's ValidatingWebhookConfiguration", opts.WebhookConfiguration, vwc.Name)
	}
	for _, w := range vwc.Webhooks {
		if w.MatchPolicy == nil || *w.MatchPolicy != admissionregistrationv1.Equivalent {
			t.Errorf("webhook %s matchPolicy %v; want Equivalent", w.Name, ptr.Deref(w.MatchPolicy, ""))
		}
		versions := map[schema.GroupResource][]string{}
		for _, r := range w.Rules {
			for _, g := range r.APIGroups {
				for _, res := range r.Resources {
					gr := schema.GroupResource{Group: g, Resource: res}
					versions[gr] = append(versions[gr], r.APIVersions...)
				}
			}
		}
		for gr, vs := range versions {
			if len(vs) != 1 || vs[0] == "*" {
				t.Errorf("webhook %s sends %s in versions %q; want exactly one, the version Git uses", w.Name, gr, vs)
			}
		}
	}
}
