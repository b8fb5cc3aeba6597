package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// Identities, created once per run.
const (
	// webhookUser is who `serve` runs as: the ServiceAccount of an in-cluster install. The
	// webhook finds it with a SelfSubjectReview and exempts it.
	webhookUser = "system:serviceaccount:drift-system:gitops-drift"
	// gitopsUser stands for a GitOps controller, exempt through its group.
	gitopsUser  = "flux"
	gitopsGroup = "gitops:controllers"
)

// shared holds what the tests create once: certificates and users' kubeconfigs.
var shared struct {
	once      sync.Once
	err       error
	certDir   string
	ca        []byte
	webhookKC string
	gitopsKC  string
}

func setup(t *testing.T) *kubeenv.Env {
	t.Helper()
	e := kubeenv.Require(t, env)
	shared.once.Do(func() {
		shared.err = func() error {
			dir := filepath.Join(workDir, "certs")
			b, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
			if err != nil {
				return err
			}
			if err := b.Write(dir); err != nil {
				return err
			}
			shared.certDir, shared.ca = dir, b.CA
			if shared.webhookKC, err = e.AddUser(webhookUser, "system:serviceaccounts", "system:masters"); err != nil {
				return err
			}
			shared.gitopsKC, err = e.AddUser(gitopsUser, gitopsGroup, "system:masters")
			return err
		}()
	})
	if shared.err != nil {
		t.Fatalf("e2e setup: %v", shared.err)
	}
	return e
}

// webhook is a running `gitops-drift serve` registered with the API server.
type webhook struct {
	t          *testing.T
	env        *kubeenv.Env
	ns         string
	manifests  string // the Git directory `serve` reads
	port       int
	metrics    int
	health     int
	cmd        *exec.Cmd
	exited     chan struct{}
	out        *capture.Buffer
	configName string
}

// startWebhook writes desired (YAML) into a fresh manifest directory, starts `serve` on it in
// the namespace ns with args added, registers it for ns only, and waits until the API server
// calls it.
func startWebhook(t *testing.T, e *kubeenv.Env, ns, desired string, args ...string) *webhook {
	t.Helper()
	w := startServe(t, e, ns, desired, args...)
	w.register()
	return w
}

// startServe writes desired (YAML) into a fresh manifest directory, starts `serve` on it in the
// namespace ns with args added, and waits until it is ready. The webhook is not registered.
func startServe(t *testing.T, e *kubeenv.Env, ns, desired string, args ...string) *webhook {
	t.Helper()
	w := &webhook{t: t, env: e, ns: ns, manifests: t.TempDir(), out: &capture.Buffer{}, exited: make(chan struct{})}
	w.writeFile("desired.yaml", desired)
	// A ConfigMap Git defines and the tests never create: a dry-run CREATE of another
	// version of it tells when the API server calls the webhook.
	w.writeFile("sentinel.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e2e-sentinel\ndata:\n  probe: git\n")
	w.launch([]string{"--manifests", w.manifests}, args...)
	return w
}

// launch starts `serve` with the desired state's flags (--manifests or --git-url ...) and
// args, in w's namespace, and waits until it is ready.
func (w *webhook) launch(sourceArgs []string, args ...string) {
	t, ns := w.t, w.ns
	t.Helper()
	w.port, w.metrics, w.health = servetest.FreePort(t), servetest.FreePort(t), servetest.FreePort(t)
	w.cmd = exec.Command(binary, append(append(append([]string{"serve"}, sourceArgs...),
		"--namespace", ns,
		"--kubeconfig", shared.webhookKC,
		"--cert-dir", shared.certDir,
		"--webhook-port", strconv.Itoa(w.port),
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", w.metrics),
		"--metrics-secure=false", // scraped over plain HTTP; a test may pass --metrics-secure
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", w.health),
		"--reload-interval", "200ms",
		"--log-format", "json",
	), args...)...)
	w.cmd.Stdout, w.cmd.Stderr = w.out, w.out
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = w.cmd.Wait(); close(w.exited) }()
	t.Cleanup(func() {
		w.stop()
		if t.Failed() {
			t.Logf("gitops-drift serve output:\n%s", w.out.String())
		}
	})
	w.waitReady()
}

// writeFile writes a file of the manifest directory, as a Git checkout changes.
func (w *webhook) writeFile(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.manifests, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// waitReady polls /readyz until it answers 200, then the metrics server until it accepts
// connections: controller-runtime starts it beside the probes, sometimes a little after
// /readyz first answers, and a test's first scrape must not race it.
func (w *webhook) waitReady() {
	w.t.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", w.health)
	w.poll("serve to be ready", 60*time.Second, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	w.poll("the metrics server to listen", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", w.metrics), time.Second)
		if err != nil {
			return false
		}
		_ = c.Close()
		return true
	})
}

// poll calls done until it returns true, failing the test after timeout or if serve exits.
func (w *webhook) poll(what string, timeout time.Duration, done func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		select {
		case <-w.exited:
			w.t.Fatalf("gitops-drift serve exited while waiting for %s", what)
		case <-tick.C:
		}
	}
}

// register registers this process (registerWebhook) and waits until the API server calls
// the webhook.
func (w *webhook) register() {
	w.t.Helper()
	w.configName = registerWebhook(w.t, w.env, w.ns, w.port)
	w.poll("the API server to call the webhook", 30*time.Second, w.called)
}

// registerWebhook creates the ValidatingWebhookConfiguration of manifests/webhook.yaml with
// the rules the secrets part adds (manifests/secrets/webhook.yaml), pointed by URL at
// https://127.0.0.1:port/validate with the tests' CA and restricted to the namespace ns, and
// returns its name. It is deleted when the test ends.
func registerWebhook(t *testing.T, e *kubeenv.Env, ns string, port int) string {
	t.Helper()
	data, err := os.ReadFile("../../manifests/webhook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		t.Fatalf("manifests/webhook.yaml: %v", err)
	}
	cfg.Webhooks[0].Rules = append(cfg.Webhooks[0].Rules, secretsRules(t)...)
	cfg.Name = "gitops-drift-" + ns
	cfg.Annotations = nil
	url := fmt.Sprintf("https://127.0.0.1:%d/validate", port)
	for i := range cfg.Webhooks {
		cfg.Webhooks[i].ClientConfig = admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: shared.ca}
		cfg.Webhooks[i].NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{ns},
		}}}
	}
	cs := e.Clientset(t)
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(t.Context(), &cfg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), cfg.Name, metav1.DeleteOptions{})
	})
	return cfg.Name
}

// secretsRules returns the webhook rules the secrets part of the install appends.
func secretsRules(t *testing.T) []admissionregistrationv1.RuleWithOperations {
	t.Helper()
	data, err := os.ReadFile("../../manifests/secrets/webhook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ops []struct {
		Op, Path string
		Value    json.RawMessage
	}
	if err := yaml.Unmarshal(data, &ops); err != nil {
		t.Fatalf("manifests/secrets/webhook.yaml: %v", err)
	}
	var rules []admissionregistrationv1.RuleWithOperations
	for _, op := range ops {
		if op.Op == "add" && op.Path == "/webhooks/0/rules/-" {
			var r admissionregistrationv1.RuleWithOperations
			if err := json.Unmarshal(op.Value, &r); err != nil {
				t.Fatalf("manifests/secrets/webhook.yaml: %v", err)
			}
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		t.Fatal("manifests/secrets/webhook.yaml adds no webhook rule")
	}
	return rules
}

// called reports whether a dry-run CREATE of the sentinel ConfigMap, diverging from Git, gets
// a verdict from the webhook (a warning or a denial).
func (w *webhook) called() bool {
	var warnings kubeenv.Warnings
	cfg := rest.CopyConfig(w.env.Config)
	cfg.WarningHandler = &warnings
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "e2e-sentinel", Namespace: w.ns}, Data: map[string]string{"probe": "other"}}
	_, err = cs.CoreV1().ConfigMaps(w.ns).Create(w.t.Context(), cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err != nil && strings.Contains(err.Error(), "gitops-drift") || warnings.Contains("gitops-drift")
}

// stop ends serve with SIGTERM, as Kubernetes does, and waits for it.
func (w *webhook) stop() {
	select {
	case <-w.exited:
		return
	default:
	}
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.exited:
	case <-time.After(30 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.exited
	}
}

// metric returns the value of an unlabelled metric from serve's metrics endpoint.
func (w *webhook) metric(name string) float64 {
	w.t.Helper()
	v, ok := w.sample(name)
	if !ok {
		w.t.Fatalf("metric %s not found", name)
	}
	return v
}

// sample returns the value of a sample from serve's metrics endpoint: name is as the
// endpoint prints it, labels included (`gitops_drift_resources{state="drifted"}`).
func (w *webhook) sample(name string) (float64, bool) {
	w.t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", w.metrics))
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				w.t.Fatal(err)
			}
			return f, true
		}
	}
	return 0, false
}

// kubectl runs the real kubectl as the user of kubeconfig (the admin when empty) in the
// webhook's namespace, with stdin.
func (w *webhook) kubectl(kubeconfig, stdin string, args ...string) (stdout, stderr string, err error) {
	if kubeconfig == "" {
		kubeconfig = w.env.Kubeconfig
	}
	cmd := exec.CommandContext(w.t.Context(), w.env.Kubectl, append([]string{"--kubeconfig", kubeconfig, "-n", w.ns}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Stdin = strings.NewReader(stdin)
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// mustKubectl runs kubectl as the admin and fails the test if it fails; it returns stderr,
// where kubectl prints warnings.
func (w *webhook) mustKubectl(stdin string, args ...string) string {
	w.t.Helper()
	_, stderr, err := w.kubectl("", stdin, args...)
	if err != nil {
		w.t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stderr
}

// failKubectl runs kubectl as the admin, expects it to fail, and returns stderr.
func (w *webhook) failKubectl(stdin string, args ...string) string {
	w.t.Helper()
	_, stderr, err := w.kubectl("", stdin, args...)
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		w.t.Fatalf("kubectl %s: want it to fail, got err %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return stderr
}

// warningLines returns kubectl's "Warning: " lines in stderr.
func warningLines(stderr string) []string {
	var out []string
	for line := range strings.SplitSeq(stderr, "\n") {
		if w, ok := strings.CutPrefix(line, "Warning: "); ok {
			out = append(out, w)
		}
	}
	return out
}
