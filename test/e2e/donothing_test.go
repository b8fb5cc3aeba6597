package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	ctrlwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// The do-nothing webhook's process gets its port and certificate directory from these.
const (
	doNothingPortEnv    = "GITOPS_DRIFT_E2E_DO_NOTHING_PORT"
	doNothingCertDirEnv = "GITOPS_DRIFT_E2E_DO_NOTHING_CERT_DIR"
)

// doNothing is a webhook that allows everything: controller-runtime's webhook server and
// admission.Webhook, as serve runs them, around a handler that answers admission.Allowed("").
// It runs in a process of its own, as serve does (the test binary again, running
// TestDoNothingWebhook), with serve's certificate and TLS settings, and is registered as serve
// is (registerWebhook): what it costs is what any webhook costs.
type doNothing struct {
	t     *testing.T
	env   *kubeenv.Env
	ns    string
	port  int
	proc  *servetest.Process
	http  *http.Client // reads /calls
	probe kubernetes.Interface
}

// startDoNothing starts a doNothing webhook for the namespace ns on a free port of
// 127.0.0.1, not registered, and waits until it serves. It stops when the test ends.
func startDoNothing(t *testing.T, e *kubeenv.Env, ns string) *doNothing {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(shared.ca) {
		t.Fatal("the tests' CA is not PEM")
	}
	d := &doNothing{t: t, env: e, ns: ns, port: servetest.FreePort(t), probe: e.Clientset(t),
		http: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}}
	t.Setenv(doNothingPortEnv, strconv.Itoa(d.port))
	t.Setenv(doNothingCertDirEnv, shared.certDir)
	d.proc = servetest.Start(t, os.Args[0], []string{"-test.short", "-test.run=^TestDoNothingWebhook$", "-test.v"})
	d.proc.Poll("the do-nothing webhook to serve", 30*time.Second, func() bool {
		_, err := d.fetchCalls()
		return err == nil
	})
	return d
}

// TestDoNothingWebhook is the do-nothing webhook's process, which startDoNothing starts: it
// serves the webhook on 127.0.0.1 at $GITOPS_DRIFT_E2E_DO_NOTHING_PORT, and how many
// requests it answered at /calls, until SIGTERM. It skips when that variable is not set.
func TestDoNothingWebhook(t *testing.T) {
	port, err := strconv.Atoi(os.Getenv(doNothingPortEnv))
	if err != nil {
		t.Skipf("the do-nothing webhook's process: startDoNothing runs it with %s set", doNothingPortEnv)
	}
	ctx, stop := signal.NotifyContext(t.Context(), syscall.SIGTERM)
	defer stop()
	srv := ctrlwebhook.NewServer(ctrlwebhook.Options{
		Host:    "127.0.0.1",
		Port:    port,
		CertDir: os.Getenv(doNothingCertDirEnv),
		TLSOpts: []func(*tls.Config){serveTLS},
	})
	var calls atomic.Int64
	srv.Register("/validate", &admission.Webhook{
		Handler: admission.HandlerFunc(func(context.Context, admission.Request) admission.Response {
			calls.Add(1)
			return admission.Allowed("")
		}),
		LogConstructor: func(logr.Logger, *admission.Request) logr.Logger { return logr.Discard() },
	})
	srv.Register("/calls", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = fmt.Fprint(w, calls.Load())
	}))
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
}

// serveTLS is what hardenTLS (cmd/gitops-drift/app) sets on serve's webhook server without
// --enable-http2: TLS 1.2 or later, the AEAD cipher suites, HTTP/1.1 only. sameTLS checks
// that the two servers still agree.
func serveTLS(c *tls.Config) {
	c.MinVersion = tls.VersionTLS12
	c.CipherSuites = []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	}
	c.NextProtos = []string{"http/1.1"}
}

// register registers d as serve is registered (registerWebhook) and waits until the API
// server calls it.
func (d *doNothing) register() {
	d.t.Helper()
	registerWebhook(d.t, d.env, d.ns, d.port)
	pollFor(d.t, "the API server to call the do-nothing webhook", 30*time.Second, d.called)
}

// unregister deletes d's registration and waits until the API server stops calling it.
func (d *doNothing) unregister() {
	d.t.Helper()
	name := "gitops-drift-" + d.ns // registerWebhook's
	if err := d.probe.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(d.t.Context(), name, metav1.DeleteOptions{}); err != nil {
		d.t.Fatal(err)
	}
	pollFor(d.t, "the API server to stop calling the do-nothing webhook", 30*time.Second, func() bool { return !d.called() })
}

// called reports whether a dry-run CREATE of a ConfigMap in d's namespace reaches the handler.
func (d *doNothing) called() bool {
	before := d.calls()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "e2e-sentinel", Namespace: d.ns}}
	if _, err := d.probe.CoreV1().ConfigMaps(d.ns).Create(d.t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		d.t.Fatal(err)
	}
	return d.calls() > before
}

// calls returns how many requests the handler answered.
func (d *doNothing) calls() int {
	d.t.Helper()
	n, err := d.fetchCalls()
	if err != nil {
		d.t.Fatal(err)
	}
	return n
}

// fetchCalls asks the webhook's process how many requests the handler answered.
func (d *doNothing) fetchCalls() (int, error) {
	resp, err := d.http.Get(fmt.Sprintf("https://127.0.0.1:%d/calls", d.port))
	if err != nil {
		return 0, fmt.Errorf("do-nothing webhook: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("do-nothing webhook: GET /calls: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("do-nothing webhook: GET /calls: %s %q", resp.Status, body)
	}
	return strconv.Atoi(string(body))
}

// tlsState is what a TLS client learns of a server: the handshake's outcome.
type tlsState struct {
	Error       string // of a failed handshake
	Version     string
	CipherSuite string
	Protocol    string // negotiated by ALPN
	Serial      string // of the server's certificate
}

// sameTLS fails the test unless the servers on 127.0.0.1 at ports a and b give the same
// handshake to each of a few clients: the API server's (TLS 1.3, h2 and http/1.1 offered), a
// TLS 1.2 one, and one offering TLS 1.2 CBC suites only.
func sameTLS(t *testing.T, a, b int) {
	t.Helper()
	clients := []struct {
		name string
		cfg  *tls.Config
	}{
		{"TLS 1.3, h2", &tls.Config{NextProtos: []string{"h2", "http/1.1"}}},
		{"TLS 1.2", &tls.Config{MaxVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}},
		{"TLS 1.2 CBC only", &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		}}},
	}
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			want, got := tlsOutcome(c.cfg, a), tlsOutcome(c.cfg, b)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("the servers on ports %d and %d differ (-%d +%d):\n%s", a, b, a, b, diff)
			}
		})
	}
}

// tlsOutcome makes a handshake (transport_test.go) with 127.0.0.1:port as cfg and returns
// what it learnt.
func tlsOutcome(cfg *tls.Config, port int) tlsState {
	s, err := handshake(port, cfg)
	if err != nil {
		return tlsState{Error: err.Error()}
	}
	return tlsState{
		Version:     tls.VersionName(s.Version),
		CipherSuite: tls.CipherSuiteName(s.CipherSuite),
		Protocol:    s.NegotiatedProtocol,
		Serial:      s.PeerCertificates[0].SerialNumber.String(),
	}
}
