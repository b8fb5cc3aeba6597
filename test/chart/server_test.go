package chart_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/cmd/gitops-drift/app"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
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

// applier applies objects with server-side apply and strict field validation, as
// `helm install` (Helm 4 applies server-side) and `kubectl apply --server-side` do.
type applier struct {
	dyn    dynamic.Interface
	mapper *restmapper.DeferredDiscoveryRESTMapper
	warns  *warnings
}

func newApplier(t *testing.T, e *kubeenv.Env) *applier {
	t.Helper()
	cfg := rest.CopyConfig(e.Config)
	w := &warnings{}
	cfg.WarningHandlerWithContext = w
	dc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &applier{dyn: dynamic.NewForConfigOrDie(cfg), mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(dc)), warns: w}
}

// apply applies o and returns the server's warnings.
func (a *applier) apply(t *testing.T, o *unstructured.Unstructured) ([]string, error) {
	t.Helper()
	m, err := a.mapper.RESTMapping(o.GroupVersionKind().GroupKind(), o.GroupVersionKind().Version)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(o.Object)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.dyn.Resource(m.Resource).Namespace(o.GetNamespace()).Patch(t.Context(), o.GetName(), types.ApplyPatchType, data,
		metav1.PatchOptions{FieldManager: "helm", Force: new(true), FieldValidation: metav1.FieldValidationStrict})
	return a.warns.take(), err
}

// install applies every object of r, the Namespace first, and fails the test on any error or
// warning (a pod that breaks the "restricted" Pod Security Standard is warned about).
func (a *applier) install(t *testing.T, r *rendered) {
	t.Helper()
	objs := slices.Clone(r.objects)
	slices.SortStableFunc(objs, func(x, y *unstructured.Unstructured) int {
		return boolInt(y.GetKind() == "Namespace") - boolInt(x.GetKind() == "Namespace")
	})
	for _, o := range objs {
		if warns, err := a.apply(t, o); err != nil || len(warns) > 0 {
			t.Errorf("apply %s: %v; warnings %q", key(o), err, warns)
		}
	}
}

// unregisterAtEnd deletes the chart's webhook configurations when the test ends, so that the
// API server does not call a webhook that is gone in the tests that follow.
func unregisterAtEnd(t *testing.T, e *kubeenv.Env) {
	t.Helper()
	admin := e.Clientset(t)
	t.Cleanup(func() {
		err := admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().DeleteCollection(context.Background(),
			metav1.DeleteOptions{}, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=gitops-drift"})
		if err != nil {
			t.Errorf("delete the webhook configurations: %v", err)
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestAPIServerAcceptsChart applies the chart rendered with each set of values to a real API
// server: every object is admitted and valid (strict field validation), cert-manager's and
// prometheus-operator's objects included, and the pods meet the Pod Security Standard of the
// namespace the chart creates.
func TestAPIServerAcceptsChart(t *testing.T) {
	e := kubeenv.Require(t, env)
	unregisterAtEnd(t, e)
	a := newApplier(t, e)
	for _, name := range slices.Sorted(mapsKeys(valueSets)) {
		t.Run(name, func(t *testing.T) {
			a.install(t, renderChart(t, append([]string{"namespace: {create: true}"}, valueSets[name]...)...))
		})
	}
	t.Run("a pod breaking the standard is warned about", func(t *testing.T) {
		d := find(t, renderChart(t, "containerSecurityContext: {allowPrivilegeEscalation: true}", "fullnameOverride: privileged").objects, "Deployment.apps", "privileged")
		warns, err := a.apply(t, d)
		if err != nil || !slices.ContainsFunc(warns, func(w string) bool { return strings.Contains(w, "allowPrivilegeEscalation") }) {
			t.Errorf("apply %s: %v; warnings %q; want a PodSecurity warning on allowPrivilegeEscalation", key(d), err, warns)
		}
	})
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// tracked is the desired state of the install tests: a Deployment in namespace ns.
func tracked(ns string) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: "nginx:1.25"}
`, ns)
}

// installed is the chart installed on the API server with some values, and serve running as
// its Deployment says, under its ServiceAccount's token, with its webhook reachable by URL.
type installed struct {
	r         *rendered
	serve     *servetest.Process
	ns        string // the test's namespace, where the tracked Deployment lives
	webhook   string // the ValidatingWebhookConfiguration's name
	metrics   string // https://127.0.0.1:PORT, serve's metrics server
	metricsCA []byte // the CA of its certificate; nil when serve's own, self-signed
}

// installAndServe installs the chart rendered with docs in namespace releaseNS (created
// first, as `helm install --create-namespace` does; drift-system, which serve takes for the
// namespace it runs in outside a pod: its Lease goes there), starts serve with the Deployment's args
// and the desired state tracked, under a token of the rendered ServiceAccount, and points the
// rendered webhook configuration at it: its clientConfig (the one field the test changes)
// becomes the URL of the test's serve, with caBundle, the CA of certDir, unless serve puts
// one there itself (certificates.mode=self-managed). When the Deployment gives serve a metrics
// certificate (--metrics-cert-dir, cert-manager's), the test gives it one of its own CA.
func installAndServe(t *testing.T, e *kubeenv.Env, releaseNS string, replace map[string]string, caBundle []byte, docs ...string) *installed {
	t.Helper()
	admin := e.Clientset(t)
	unregisterAtEnd(t, e)
	_, err := admin.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: releaseNS}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	r := renderChartIn(t, releaseNS, docs...)
	newApplier(t, e).install(t, r)
	in := &installed{r: r, ns: e.Namespace(t)}
	d := find(t, r.objects, "Deployment.apps", "")
	var dep struct {
		Spec struct {
			Template struct {
				Spec corev1.PodSpec `json:"spec"`
			} `json:"template"`
		} `json:"spec"`
	}
	if err = runtime.DefaultUnstructuredConverter.FromUnstructured(d.Object, &dep); err != nil {
		t.Fatal(err)
	}
	pod := dep.Spec.Template.Spec
	opts, err := app.ParseServeArgs(pod.Containers[0].Args[1:])
	if err != nil {
		t.Fatalf("the Deployment's args: %v", err)
	}
	in.webhook = opts.WebhookConfiguration
	desired := t.TempDir()
	if err := os.WriteFile(filepath.Join(desired, "desired.yaml"), []byte(tracked(in.ns)), 0o600); err != nil {
		t.Fatal(err)
	}
	port, metrics, health := servetest.FreePort(t), servetest.FreePort(t), servetest.FreePort(t)
	in.metrics = fmt.Sprintf("https://127.0.0.1:%d", metrics)
	repl := map[string]string{
		"--manifests":                 desired,
		"--webhook-port":              fmt.Sprint(port),
		"--metrics-bind-address":      fmt.Sprintf("127.0.0.1:%d", metrics),
		"--health-probe-bind-address": fmt.Sprintf("127.0.0.1:%d", health),
		"--kubeconfig":                servetest.TokenKubeconfig(t, e, admin, releaseNS, pod.ServiceAccountName),
	}
	if opts.MetricsCertDir != "" {
		repl["--metrics-cert-dir"], in.metricsCA = servetest.MetricsCerts(t)
	}
	for k, v := range replace {
		repl[k] = v
	}
	// The webhook configuration by URL first: serve --cert-rotation puts its CA into it at
	// start.
	config := admin.AdmissionregistrationV1().ValidatingWebhookConfigurations()
	vwc, err := config.Get(t.Context(), in.webhook, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("https://127.0.0.1:%d/validate", port)
	for i := range vwc.Webhooks {
		vwc.Webhooks[i].ClientConfig = admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caBundle}
	}
	if _, err := config.Update(t.Context(), vwc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	in.serve = servetest.Start(t, servetest.Build(t), servetest.Args(t, pod.Containers[0].Args, repl))
	in.serve.WaitReady(health)
	return in
}

// warnsOnSetImage creates the tracked Deployment as Git has it, changes its image with
// `kubectl set image` (the kubectl built with the server), and checks that kubectl prints
// gitops-drift's warning: the API server called the webhook of the chart's configuration.
func (in *installed) warnsOnSetImage(t *testing.T, e *kubeenv.Env) {
	t.Helper()
	kubectl := func(args ...string) (string, error) {
		var out bytes.Buffer
		cmd := exec.CommandContext(t.Context(), e.Kubectl, append([]string{"--kubeconfig", e.Kubeconfig, "-n", in.ns}, args...)...)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	manifest := filepath.Join(t.TempDir(), "web.yaml")
	if err := os.WriteFile(manifest, []byte(tracked(in.ns)), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := kubectl("apply", "-f", manifest); err != nil || strings.Contains(out, "Warning:") {
		t.Fatalf("kubectl apply of Git's Deployment: %v\n%s", err, out)
	}
	want := "Warning: gitops-drift: Deployment web containers[name=web].image: Git has nginx:1.25, change sets nginx:1.19"
	var out string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kubectl set image printed:\n%s", out)
		}
	})
	in.serve.Poll("kubectl set image to print the webhook's warning", 30*time.Second, func() bool {
		var err error
		out, err = kubectl("set", "image", "deployment/web", "web=nginx:1.19", "--dry-run=server")
		return err == nil && strings.Contains(out, want)
	})
	out, err := kubectl("set", "image", "deployment/web", "web=nginx:1.19")
	if err != nil || !strings.Contains(out, want) {
		t.Errorf("kubectl set image: %v\n%s\nwant %q", err, out, want)
	}
}

// noForbidden stops serve and fails the test on any call the API server refused it.
func (in *installed) noForbidden(t *testing.T) {
	t.Helper()
	in.serve.Stop()
	for _, line := range servetest.Forbidden(in.serve.Output()) {
		t.Errorf("serve was refused a call: %s", line)
	}
}

// TestInstallWarnsWithDefaults installs the chart with its default values (cert-manager's
// certificate: the test stands in for cert-manager with a CA of its own), runs serve as the
// Deployment says under the chart's ServiceAccount, and checks that `kubectl set image` of a
// tracked Deployment prints gitops-drift's warning, that serve audits, that its metrics answer
// a scraper bound to the chart's metrics-reader role over verified HTTPS, and that it was
// refused no call.
func TestInstallWarnsWithDefaults(t *testing.T) {
	e := kubeenv.Require(t, env)
	bundle, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	certDir := t.TempDir()
	if err := bundle.Write(certDir); err != nil {
		t.Fatal(err)
	}
	in := installAndServe(t, e, releaseNamespace, map[string]string{"--cert-dir": certDir}, bundle.CA)
	in.warnsOnSetImage(t, e)
	in.serve.WaitLog("audit done")
	// A scraper bound to the chart's metrics-reader role, verifying the metrics certificate
	// with its CA as the chart's ServiceMonitor does.
	admin := e.Clientset(t)
	token := servetest.Caller(t, admin, in.ns, "prometheus", releaseName+"-metrics-reader")
	servetest.WaitURLAllowed(t, admin, in.ns, "prometheus", "get", "/metrics")
	if code, body := servetest.Call(t, servetest.HTTPSClient(in.metricsCA), http.MethodGet, in.metrics+"/metrics", token); in.metricsCA == nil || code != http.StatusOK || !strings.Contains(body, "gitops_drift_") {
		t.Errorf("verified scrape (CA given: %t) by the metrics-reader role: %d %q; want 200 with gitops_drift_ metrics", in.metricsCA != nil, code, body)
	}
	in.noForbidden(t)
}

// TestInstallSelfManagedCertificates installs the chart with certificates.mode=self-managed
// (and the serving certificate also made for 127.0.0.1, through extraArgs, so that the API
// server can call the test's serve by URL): serve, under the chart's ServiceAccount, stores
// the material in the chart's Secret, injects the CA, and the API server calls it with it.
// Its metrics, over HTTPS with serve's self-signed certificate, answer a scraper that
// metrics.readers binds to the chart's metrics-reader ClusterRole, without verifying the
// certificate as the chart's ServiceMonitor then does not.
func TestInstallSelfManagedCertificates(t *testing.T) {
	e := kubeenv.Require(t, env)
	const releaseNS = releaseNamespace
	certDir := t.TempDir()
	ns := e.Namespace(t)
	in := installAndServe(t, e, releaseNS, map[string]string{"--cert-dir": certDir}, nil,
		"certificates: {mode: self-managed}", "fullnameOverride: drift-self-managed", "extraArgs: [--cert-hosts=127.0.0.1]",
		fmt.Sprintf("metrics: {readers: [{kind: ServiceAccount, name: prometheus, namespace: %s}]}", ns))
	admin := e.Clientset(t)
	secret, err := admin.CoreV1().Secrets(releaseNS).Get(t.Context(), "drift-self-managed-webhook-tls", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vwc, err := admin.AdmissionregistrationV1().ValidatingWebhookConfigurations().Get(t.Context(), in.webhook, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ca := secret.Data[certs.CAFile]; len(ca) == 0 || !bytes.Equal(vwc.Webhooks[0].ClientConfig.CABundle, ca) {
		t.Errorf("caBundle of %s is not the ca.crt of Secret %s (%d bytes)", in.webhook, secret.Name, len(ca))
	}
	onDisk, err := os.ReadFile(filepath.Join(certDir, certs.CertFile))
	if err != nil || !bytes.Equal(onDisk, secret.Data[certs.CertFile]) {
		t.Errorf("--cert-dir's %s is not the Secret's (%v)", certs.CertFile, err)
	}
	in.warnsOnSetImage(t, e)
	if in.metricsCA != nil {
		t.Errorf("serve was given a metrics certificate without cert-manager")
	}
	token := servetest.Caller(t, admin, ns, "prometheus", "")
	servetest.WaitURLAllowed(t, admin, ns, "prometheus", "get", "/metrics")
	if code, body := servetest.Call(t, servetest.HTTPSClient(nil), http.MethodGet, in.metrics+"/metrics", token); code != http.StatusOK || !strings.Contains(body, "gitops_drift_") {
		t.Errorf("scrape by a metrics.readers subject: %d %q; want 200 with gitops_drift_ metrics", code, body)
	}
	in.noForbidden(t)
}
