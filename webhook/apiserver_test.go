package webhook

import (
	"context"
	"net"
	"os"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	builtin "github.com/gitops-drift/gitops-drift/pkg/schema"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// env is the API server of the tests that need one (nil under -short).
var env *kubeenv.Env

func TestMain(m *testing.M) {
	os.Exit(kubeenv.Main(m, &env, kubeenv.Options{}))
}

// TestPanicThroughAPIServer registers the Handler as serve does (on controller-runtime's webhook
// server, over TLS) with failurePolicy Fail, and forces a panic while judging: the API server
// admits the change, with the webhook's warning.
func TestPanicThroughAPIServer(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	git := fstest.MapFS{"cm.yaml": {Data: []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: " + ns + "\ndata:\n  color: blue\n")}}
	set, err := manifest.LoadFS(git, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, testRevision, builtin.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, count := newMetrics(t)
	h := NewHandler(storeOf(d), Options{
		Enforcement: policy.EnforcementDeny,
		Metrics:     m,
		Stale:       func() (string, bool) { panic("boom") }, // called for a denial
	})

	url := serveTLS(t, h)
	registerWebhook(t, e, ns, url)

	var warnings kubeenv.Warnings
	cfg := rest.CopyConfig(e.Config)
	cfg.WarningHandler = &warnings
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns}, Data: map[string]string{"color": "red"}}
	// Until the API server calls the webhook (the configuration takes a moment to apply).
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !warnings.Contains(internalErrorWarning) {
		if time.Now().After(deadline) {
			t.Fatalf("no warning %q from the API server; warnings %q", internalErrorWarning, warnings.All())
		}
		_, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			t.Fatalf("the change drifting from Git was refused: %v", err)
		}
		<-tick.C
	}
	if n := count(DecisionError); n < 1 {
		t.Errorf("decision error counted %v times, want at least 1", n)
	}
	if n := count(DecisionDenied); n != 0 {
		t.Errorf("decision denied counted %v times, want 0", n)
	}
}

// serveTLS serves h at Path on controller-runtime's webhook server, as serve does, with a
// certificate for 127.0.0.1, and returns the URL and the CA bundle.
func serveTLS(t *testing.T, h *Handler) webhookURL {
	t.Helper()
	bundle, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := bundle.Write(dir); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	srv := ctrlwebhook.NewServer(ctrlwebhook.Options{Host: "127.0.0.1", Port: port, CertDir: dir})
	srv.Register(Path, h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Start(ctx); err != nil {
			t.Errorf("webhook server: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(30 * time.Second)
	for srv.StartedChecker()(nil) != nil { // listening, TLS loaded
		if time.Now().After(deadline) {
			t.Fatal("the webhook server did not start")
		}
		select {
		case <-done:
			t.Fatal("the webhook server stopped")
		case <-time.After(50 * time.Millisecond):
		}
	}
	return webhookURL{url: "https://127.0.0.1:" + strconv.Itoa(port) + Path, ca: bundle.CA}
}

type webhookURL struct {
	url string
	ca  []byte
}

// registerWebhook registers the webhook at w for ConfigMaps in ns, failurePolicy Fail.
func registerWebhook(t *testing.T, e *kubeenv.Env, ns string, w webhookURL) {
	t.Helper()
	fail := admissionregistrationv1.Fail
	none := admissionregistrationv1.SideEffectClassNone
	cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: "gitops-drift-" + ns},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "validate.drift.gitops.io",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &w.url, CABundle: w.ca},
			Rules:                   []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update}, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}}}},
			FailurePolicy:           &fail,
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
