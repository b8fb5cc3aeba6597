package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// Names of the admission run.
const (
	loadNamespace = "load"
	// webhookUser is who serve runs as, as installed: its own changes are exempt.
	webhookUser = "system:serviceaccount:drift-system:gitops-drift"
	// sentinel is a ConfigMap Git defines and nobody creates: a dry-run CREATE of it that
	// differs from Git tells when the API server calls the webhook.
	sentinel = "bench-sentinel"
)

// admissionResult is the same load without and with the webhook registered.
type admissionResult struct {
	rate          int
	duration      time.Duration
	deployments   int
	dryRun        bool
	without, with loadResult
	cpu           time.Duration // the webhook's CPU time over the run with it
	maxRSS        int64         // the webhook's largest resident memory seen during that run
}

// admission starts `gitops-drift serve --no-audit` over loadDeployments tracked Deployments,
// runs the load without the webhook registered, registers it, and runs the load again.
func admission(ctx context.Context, o *options, env *kubeenv.Env, work string) (admissionResult, error) {
	r := admissionResult{rate: o.rate, duration: o.duration, deployments: o.loadDeployments, dryRun: o.dryRunLoad}
	c := &corpus{namespaces: []string{loadNamespace}, drifted: map[string]bool{}}
	var names []string
	for i := range o.loadDeployments {
		app := fmt.Sprintf("app-%d", i)
		c.objects = append(c.objects, &unstructured.Unstructured{Object: deployment(loadNamespace, app, i)})
		names = append(names, app)
	}
	if err := populate(ctx, env.Config, c); err != nil {
		return r, err
	}
	w, err := startWebhook(ctx, o, env, c, filepath.Join(work, "admission"))
	if err != nil {
		return r, err
	}
	defer w.stop()
	l, err := newLoad(env.Config, loadNamespace, names, o.rate, o.dryRunLoad)
	if err != nil {
		return r, err
	}
	l.run(ctx, o.warmup)
	r.without = l.run(ctx, o.duration)
	if err := register(ctx, o, env, w.port, w.ca); err != nil {
		return r, err
	}
	l.run(ctx, o.warmup)
	before, err := readProc(w.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	stopSampling := sampleRSS(w.cmd.Process.Pid, &r.maxRSS)
	r.with = l.run(ctx, o.duration)
	stopSampling()
	after, err := readProc(w.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	r.cpu = after.cpu - before.cpu
	return r, nil
}

// webhookServe is serve with its webhook port and the CA of its certificate.
type webhookServe struct {
	*serve
	port int
	ca   []byte
}

// startWebhook writes the corpus and the sentinel to dir/manifests, certificates to
// dir/certs, and starts serve's webhook on them as webhookUser.
func startWebhook(ctx context.Context, o *options, env *kubeenv.Env, c *corpus, dir string) (*webhookServe, error) {
	manifests := filepath.Join(dir, "manifests")
	if err := c.write(manifests); err != nil {
		return nil, err
	}
	cm := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: %s}\ndata: {probe: git}\n", sentinel, loadNamespace)
	if err := os.WriteFile(filepath.Join(manifests, "sentinel.yaml"), []byte(cm), 0o644); err != nil {
		return nil, fmt.Errorf("write the sentinel: %w", err)
	}
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		return nil, err
	}
	if err := b.Write(filepath.Join(dir, "certs")); err != nil {
		return nil, err
	}
	kc, err := env.AddUser(webhookUser, "system:serviceaccounts", "system:masters")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s, err := startServe(ctx, o.binary, manifests, kc, "--no-audit",
		"--cert-dir", filepath.Join(dir, "certs"), "--webhook-port", strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	return &webhookServe{serve: s, port: port, ca: b.CA}, nil
}

// register creates the ValidatingWebhookConfiguration of manifests/webhook.yaml, pointed at
// the webhook on port by URL and restricted to loadNamespace, and waits until the API server
// calls it.
func register(ctx context.Context, o *options, env *kubeenv.Env, port int, ca []byte) error {
	data, err := os.ReadFile(filepath.Join(o.repo, "manifests", "webhook.yaml"))
	if err != nil {
		return fmt.Errorf("read the webhook configuration: %w", err)
	}
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
		return fmt.Errorf("manifests/webhook.yaml: %w", err)
	}
	cfg.Name, cfg.Annotations = "gitops-drift-bench", nil
	url := fmt.Sprintf("https://127.0.0.1:%d/validate", port)
	for i := range cfg.Webhooks {
		cfg.Webhooks[i].ClientConfig = admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: ca}
		cfg.Webhooks[i].NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
			Key: "kubernetes.io/metadata.name", Operator: metav1.LabelSelectorOpIn, Values: []string{loadNamespace},
		}}}
	}
	cs, err := kubernetes.NewForConfig(env.Config)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if _, err := cs.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, &cfg, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("register the webhook: %w", err)
	}
	return poll(ctx, "the API server to call the webhook", time.Minute, nil, func() bool { return called(ctx, env.Config) })
}

// called reports whether a dry-run CREATE of the sentinel, differing from Git, gets the
// webhook's warning.
func called(ctx context.Context, cfg *rest.Config) bool {
	cfg = rest.CopyConfig(cfg)
	var w kubeenv.Warnings
	cfg.WarningHandler = &w
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return false
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: sentinel, Namespace: loadNamespace}, Data: map[string]string{"probe": "other"}}
	_, err = cs.CoreV1().ConfigMaps(loadNamespace).Create(ctx, cm, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	return err == nil && w.Contains("gitops-drift")
}

// sampleRSS records the largest resident memory of pid, every 200ms, into max until the
// returned func is called.
func sampleRSS(pid int, maxRSS *int64) (stop func()) {
	done := make(chan struct{})
	var largest atomic.Int64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			if st, err := readProc(pid); err == nil && st.rss > largest.Load() {
				largest.Store(st.rss)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		*maxRSS = largest.Load()
	}
}
