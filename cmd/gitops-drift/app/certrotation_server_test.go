package app_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// servedWarning is what the test's webhook answers every request with.
const servedWarning = "served with the rotated certificate"

// TestCertRotation runs the check of --cert-rotation against a real API server: the material
// lands in the Secret and in --cert-dir, the CA in the webhook configuration's caBundle, and
// the API server calls a webhook server serving --cert-dir (failurePolicy Fail: a certificate
// it does not trust fails the request). With a serving certificate valid for 6s and a CA for
// 12s, the check renews both while the API server keeps calling the webhook.
func TestCertRotation(t *testing.T) {
	e := env
	if e == nil {
		t.Skip("needs a real API server; skipped under -short")
	}
	admin := e.Clientset(t)
	ns := e.Namespace(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "webhook-tls", Namespace: ns}}
	if _, err := admin.CoreV1().Secrets(ns).Create(t.Context(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	port := servetest.FreePort(t)
	o := app.NewServeOptions()
	o.CertDir = t.TempDir()
	o.WebhookConfiguration = "cert-rotation-" + ns
	o.CertRotation, o.CertSecret, o.CertHosts = true, ns+"/webhook-tls", []string{"127.0.0.1"}
	o.CertValidity, o.CAValidity, o.CertCheckInterval = 6*time.Second, 12*time.Second, 200*time.Millisecond
	r := app.NewCertRotator(admin, o)

	// At start the configuration may not exist yet: a certificate is served anyway.
	if err := r.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	first := readStored(t, admin, ns)
	if _, err := os.Stat(filepath.Join(o.CertDir, certs.CertFile)); err != nil || len(first.Cert) == 0 {
		t.Fatalf("after the first check: %s/%s %v, Secret tls.crt %d bytes", o.CertDir, certs.CertFile, err, len(first.Cert))
	}
	startWebhookServer(t, port, o.CertDir)
	registerURLWebhook(t, admin, o.WebhookConfiguration, ns, port)
	if err := r.Check(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := trustedBundle(t, admin, o.WebhookConfiguration); !bytes.Equal(got, readStored(t, admin, ns).CABundle) {
		t.Errorf("caBundle of %s is not the Secret's ca.crt", o.WebhookConfiguration)
	}
	cfg := rest.CopyConfig(e.Config)
	warns := &kubeenv.Warnings{}
	cfg.WarningHandlerWithContext = warns
	user := kubernetes.NewForConfigOrDie(cfg)
	called := func() bool {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{GenerateName: "probe-", Namespace: ns}}
		_, err := user.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err == nil && slices.Contains(warns.Take(), servedWarning)
	}
	pollUntil(t, "the API server to call the webhook with the injected CA", 20*time.Second, called)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	firstCA := firstCert(t, first.CABundle)
	pollUntil(t, "a new CA to sign the certificate in --cert-dir", 30*time.Second, func() bool {
		s := readStored(t, admin, ns)
		onDisk, err := os.ReadFile(filepath.Join(o.CertDir, certs.CertFile))
		ca := firstCert(t, s.CABundle)
		return err == nil && bytes.Equal(onDisk, s.Cert) && !ca.Equal(firstCA) && firstCert(t, onDisk).CheckSignatureFrom(ca) == nil
	})
	if got, want := trustedBundle(t, admin, o.WebhookConfiguration), readStored(t, admin, ns).CABundle; !bytes.Equal(got, want) {
		t.Errorf("after the rotation, caBundle of %s is not the Secret's ca.crt", o.WebhookConfiguration)
	}
	pollUntil(t, "the API server to call the webhook with the rotated certificate", 30*time.Second, called)
}

// readStored returns what the Secret webhook-tls of ns holds.
func readStored(t *testing.T, cs kubernetes.Interface, ns string) certs.Stored {
	t.Helper()
	s, err := cs.CoreV1().Secrets(ns).Get(t.Context(), "webhook-tls", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return certs.Stored{CABundle: s.Data[certs.CAFile], CAKey: s.Data[certs.CAKeyFile], Cert: s.Data[certs.CertFile], Key: s.Data[certs.KeyFile]}
}

// firstCert returns the first certificate of a PEM bundle.
func firstCert(t *testing.T, data []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// trustedBundle returns the caBundle of the configuration's first webhook.
func trustedBundle(t *testing.T, cs kubernetes.Interface, name string) []byte {
	t.Helper()
	c, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c.Webhooks[0].ClientConfig.CABundle
}

// startWebhookServer serves, on 127.0.0.1:port, controller-runtime's webhook server (the one
// serve runs) with the files of certDir, answering every request allowed with servedWarning.
func startWebhookServer(t *testing.T, port int, certDir string) {
	t.Helper()
	srv := ctrlwebhook.NewServer(ctrlwebhook.Options{Host: "127.0.0.1", Port: port, CertDir: certDir})
	srv.Register("/validate", &admission.Webhook{Handler: admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
		return admission.Allowed("").WithWarnings(servedWarning)
	})})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("webhook server: %v", err)
		}
	})
}

// registerURLWebhook registers https://127.0.0.1:port/validate, without a caBundle, for
// ConfigMaps in ns, with failurePolicy Fail.
func registerURLWebhook(t *testing.T, cs kubernetes.Interface, name, ns string, port int) {
	t.Helper()
	fail, none := admissionregistrationv1.Fail, admissionregistrationv1.SideEffectClassNone
	url := fmt.Sprintf("https://127.0.0.1:%d/validate", port)
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "validate.drift.gitops.io",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url},
			AdmissionReviewVersions: []string{"v1"},
			SideEffects:             &none,
			FailurePolicy:           &fail,
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: ns}},
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
			}},
		}},
	}
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(t.Context(), cfg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
}

func pollUntil(t *testing.T, what string, timeout time.Duration, done func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}
