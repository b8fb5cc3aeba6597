package monitoring

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authnv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/gitops-drift/gitops-drift/certs"
	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// installRBAC is the kustomize install's RBAC, where the metrics-reader ClusterRole is.
const installRBAC = "../../manifests/rbac.yaml"

// desired is the Git side: blocked and repaired drift in the cluster (blocked may only be
// reported), created is missing from it.
const desired = `apiVersion: v1
kind: ConfigMap
metadata:
  name: blocked
  annotations:
    drift.gitops.io/remediation-policy: alert
data:
  color: blue
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: repaired
data:
  color: blue
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: created
data:
  color: blue
`

// TestServeExportsEveryMetricUsed runs `gitops-drift serve` against a real API server, drives
// it until the metrics it creates lazily exist (drift reported, repaired and blocked, a
// missing object created, an admission request judged, a Git commit that does not load), and
// checks that every metric the dashboard and the alerts read is among those it exports.
func TestServeExportsEveryMetricUsed(t *testing.T) {
	e := kubeenv.Require(t, env)
	used := usedMetrics(t)
	ns := e.Namespace(t)
	cs := e.Clientset(t)
	for _, name := range []string{"blocked", "repaired"} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Data: map[string]string{"color": "red"}}
		if _, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	repo := gitrepo.New(t)
	repo.Commit("three ConfigMaps", map[string]string{"deploy/desired.yaml": desired})
	s := startServe(t, e, "--git-url", repo.URL(), "--git-path", "deploy", "--git-cache-dir", t.TempDir(),
		"--git-poll-interval", "500ms", "--namespace", ns, "--remediate", "--audit-interval", "2s")

	drifted := map[string]string{"resource_namespace": ns, "resource_kind": "ConfigMap", "state": "drifted"}
	s.poll("the first audit to report, remediate and create", func(exp exposition) bool {
		v, ok := exp.value("gitops_drift_drifted_resources", drifted)
		_, created := exp.value("gitops_drift_remediations_total", map[string]string{"result": "created"})
		return ok && v == 1 && created
	})
	resp := s.review(t, ns, "blocked")
	if !resp.Allowed || !slices.ContainsFunc(resp.Warnings, func(w string) bool { return strings.Contains(w, "data.color") }) {
		t.Errorf("admission of a change to blocked: allowed %t, warnings %q; want allowed with a warning about data.color", resp.Allowed, resp.Warnings)
	}
	broken := repo.Commit("a manifest that does not load", map[string]string{"deploy/broken.yaml": "kind: [\n"})
	s.poll("the broken commit to fail", func(exp exposition) bool {
		_, ok := exp.value("gitops_drift_desired_failed_revision_info", map[string]string{"revision": broken[:12]})
		return ok
	})

	exp := s.metrics.scrape(t)
	for _, name := range slices.Sorted(maps.Keys(used)) {
		if !exp.exports(name) {
			t.Errorf("%s is not exported by serve; read by %s", name, strings.Join(used[name], ", "))
		}
	}
	want := map[string]float64{"drifted": 1, "missing": 0}
	for state, w := range want {
		labels := map[string]string{"resource_namespace": ns, "resource_kind": "ConfigMap", "state": state}
		if v, ok := exp.value("gitops_drift_drifted_resources", labels); !ok || v != w {
			t.Errorf("gitops_drift_drifted_resources%v = %v (found %t), want %v", labels, v, ok, w)
		}
	}
	if v, ok := exp.value("controller_runtime_webhook_latency_seconds_count", map[string]string{"webhook": "/validate"}); !ok || v < 1 {
		t.Errorf("controller_runtime_webhook_latency_seconds_count{webhook=/validate} = %v (found %t): the admission request was not timed", v, ok)
	}
}

// serve is a running `gitops-drift serve`.
type serve struct {
	t       *testing.T
	metrics scraper
	port    int    // the webhook's HTTPS port
	ca      []byte // the CA of its serving certificate
	exited  chan struct{}
	out     *capture.Buffer
}

// startServe starts `serve` with args as the cluster admin, with a fresh serving certificate
// and its metrics on loopback, secure as installed (HTTPS with a certificate of their own, as
// cert-manager's), waits until it is ready, and gives it a scraper with the token of a
// ServiceAccount bound to the install's metrics-reader ClusterRole (manifests/rbac.yaml).
func startServe(t *testing.T, e *kubeenv.Env, args ...string) *serve {
	t.Helper()
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		t.Fatal(err)
	}
	certDir := t.TempDir()
	if err := b.Write(certDir); err != nil {
		t.Fatal(err)
	}
	metrics, health := freePort(t), freePort(t)
	metricsCerts, metricsCA := servetest.MetricsCerts(t)
	s := &serve{t: t, port: freePort(t), ca: b.CA, exited: make(chan struct{}), out: &capture.Buffer{},
		metrics: scraper{url: fmt.Sprintf("https://127.0.0.1:%d/metrics", metrics), client: servetest.HTTPSClient(metricsCA),
			token: metricsReader(t, e)}}
	cmd := exec.Command(binary, append([]string{"serve",
		"--kubeconfig", e.Kubeconfig,
		"--cert-dir", certDir,
		"--webhook-port", strconv.Itoa(s.port),
		"--webhook-configuration", "",
		"--metrics-bind-address", fmt.Sprintf("127.0.0.1:%d", metrics),
		"--metrics-cert-dir", metricsCerts,
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", health),
		"--log-format", "json",
	}, args...)...)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() {
			t.Logf("gitops-drift serve output:\n%s", s.out.String())
		}
	})
	ready := fmt.Sprintf("http://127.0.0.1:%d/readyz", health)
	s.wait("serve to be ready", func() bool {
		resp, err := http.Get(ready)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// metricsReader creates the install's metrics-reader ClusterRole as manifests/rbac.yaml has it,
// and a ServiceAccount bound to it, and returns a token of that ServiceAccount once the
// authorizer lets it get /metrics.
func metricsReader(t *testing.T, e *kubeenv.Env) string {
	t.Helper()
	admin := e.Clientset(t)
	role := installedClusterRole(t, "gitops-drift-metrics-reader")
	if _, err := admin.RbacV1().ClusterRoles().Create(t.Context(), role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.RbacV1().ClusterRoles().Delete(context.Background(), role.Name, metav1.DeleteOptions{})
	})
	ns := e.Namespace(t)
	token := servetest.Caller(t, admin, ns, "prometheus", role.Name)
	servetest.WaitURLAllowed(t, admin, ns, "prometheus", "get", "/metrics")
	return token
}

// installedClusterRole returns the ClusterRole name of the kustomize install's rbac.yaml.
func installedClusterRole(t *testing.T, name string) *rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(installRBAC)
	if err != nil {
		t.Fatal(err)
	}
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			t.Fatalf("%s has no ClusterRole %s", installRBAC, name)
		}
		if err != nil {
			t.Fatalf("%s: %v", installRBAC, err)
		}
		var role rbacv1.ClusterRole
		if err := yaml.UnmarshalStrict(doc, &role); err == nil && role.Kind == "ClusterRole" && role.Name == name {
			role.ResourceVersion = ""
			return &role
		}
	}
}

// wait calls done until it returns true, failing the test after a minute or if serve exits.
func (s *serve) wait(what string, done func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s", what)
		}
		select {
		case <-s.exited:
			s.t.Fatalf("gitops-drift serve exited while waiting for %s", what)
		case <-tick.C:
		}
	}
}

// poll scrapes serve until done says the metrics show what the test waits for.
func (s *serve) poll(what string, done func(exposition) bool) {
	s.t.Helper()
	s.wait(what, func() bool { return done(s.metrics.scrape(s.t)) })
}

// review sends serve's webhook an AdmissionReview of an UPDATE of ConfigMap name in ns by
// another user, setting data.color to green, and returns the response.
func (s *serve) review(t *testing.T, ns, name string) *admissionv1.AdmissionResponse {
	t.Helper()
	obj := func(color string) runtime.RawExtension {
		return runtime.RawExtension{Raw: fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q,"namespace":%q,"annotations":{"drift.gitops.io/remediation-policy":"alert"}},"data":{"color":%q}}`, name, ns, color)}
	}
	review := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       "monitoring-review",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "ConfigMap"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "configmaps"},
			Namespace: ns, Name: name, Operation: admissionv1.Update,
			UserInfo:  authnv1.UserInfo{Username: "someone"},
			OldObject: obj("red"),
			Object:    obj("green"),
		},
	}
	return servetest.Review(t, s.ca, s.port, review)
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
