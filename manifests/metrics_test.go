package manifests_test

import (
	"slices"
	"testing"

	cmv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"
)

// The metrics server's Service and serving Certificate.
const (
	metricsService     = "gitops-drift-metrics"
	metricsCertificate = "gitops-drift-metrics"
)

// TestMetricsService checks, in every combination of the parts, that serve's metrics are
// secure and that the metrics Service reaches them: one port, named and marked https, whose
// target is the container port of --metrics-bind-address, on the pods, and a component label
// that selects this Service alone (what a ServiceMonitor selects).
func TestMetricsService(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			d := only[*appsv1.Deployment](t, in)
			c := gitopsDriftContainer(t, d)
			opts := serveOptions(t, c)
			if !secureMetrics(opts) {
				t.Fatalf("args %q: want secure metrics (--metrics-secure, serve's default)", c.Args)
			}
			svc := named[*corev1.Service](t, in, metricsService)
			if !matches(&metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, d.Spec.Template.Labels) {
				t.Errorf("Service %s selector %v does not select the pod labels %v", svc.Name, svc.Spec.Selector, d.Spec.Template.Labels)
			}
			if len(svc.Spec.Ports) != 1 {
				t.Fatalf("Service %s ports %+v; want one", svc.Name, svc.Spec.Ports)
			}
			p := svc.Spec.Ports[0]
			if p.Name != "https" || ptr.Deref(p.AppProtocol, "") != "https" || p.Port != 8443 {
				t.Errorf("Service %s port %+v; want 8443, name and appProtocol https", svc.Name, p)
			}
			if got, want := containerPort(t, c, p.TargetPort), bindPort(t, "--metrics-bind-address", opts.MetricsBindAddress); got != want {
				t.Errorf("Service %s targetPort %s is container port %d; --metrics-bind-address is on %d", svc.Name, p.TargetPort.String(), got, want)
			}
			sel := labels.SelectorFromSet(labels.Set{"app.kubernetes.io/name": "gitops-drift", "app.kubernetes.io/component": "metrics"})
			var selected []string
			for _, s := range all[*corev1.Service](in) {
				if sel.Matches(labels.Set(s.Labels)) {
					selected = append(selected, s.Name)
				}
			}
			if !slices.Equal(selected, []string{metricsService}) {
				t.Errorf("Services labelled %s: %q; want %s alone", sel, selected, metricsService)
			}
		})
	}
}

// TestMetricsCertificate checks, in every combination of the parts, that the metrics server
// serves a cert-manager certificate for the metrics Service's names, from the webhook's
// Issuer, mounted read-only at --metrics-cert-dir: a scraper verifies it with its Secret's
// ca.crt rather than skipping verification.
func TestMetricsCertificate(t *testing.T) {
	for _, on := range combinations() {
		t.Run(name(on), func(t *testing.T) {
			in := render(t, on...)
			d := only[*appsv1.Deployment](t, in)
			c := gitopsDriftContainer(t, d)
			opts := serveOptions(t, c)
			svc := named[*corev1.Service](t, in, metricsService)
			cert := named[*cmv1.Certificate](t, in, metricsCertificate)
			want := []string{svc.Name + "." + svc.Namespace + ".svc", svc.Name + "." + svc.Namespace + ".svc.cluster.local"}
			if !slices.Equal(cert.Spec.DNSNames, want) {
				t.Errorf("Certificate %s dnsNames %q; want %q, the metrics Service's", cert.Name, cert.Spec.DNSNames, want)
			}
			if opts.MetricsCertDir == "" {
				t.Fatalf("args %q: no --metrics-cert-dir; want the Certificate's", c.Args)
			}
			if v := mountedVolume(t, d, c, opts.MetricsCertDir); v.Secret == nil || v.Secret.SecretName != cert.Spec.SecretName {
				t.Errorf("volume %q at --metrics-cert-dir %s is not the Secret %s (the Certificate's secretName)", v.Name, opts.MetricsCertDir, cert.Spec.SecretName)
			}
			webhookCert := named[*cmv1.Certificate](t, in, webhookCertificate)
			if cert.Spec.IssuerRef != webhookCert.Spec.IssuerRef || cert.Spec.SecretName == webhookCert.Spec.SecretName {
				t.Errorf("Certificate %s: issuerRef %+v, secretName %s; want the webhook's issuer, a Secret of its own", cert.Name, cert.Spec.IssuerRef, cert.Spec.SecretName)
			}
		})
	}
}
