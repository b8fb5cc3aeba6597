package manifests_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// call is one request to serve's metrics server, and the status it must get.
type call struct {
	name, method, path, token string
	want                      int
}

// checkCalls makes each call to the metrics server at base (https://127.0.0.1:PORT),
// verifying its certificate with ca, and checks the status, and that a refused call reveals
// no metric; it returns the bodies of the calls answered 200, by name.
func checkCalls(t *testing.T, base string, ca []byte, calls []call) map[string]string {
	t.Helper()
	client := servetest.HTTPSClient(ca)
	bodies := map[string]string{}
	for _, c := range calls {
		code, body := servetest.Call(t, client, c.method, base+c.path, c.token)
		switch {
		case code != c.want:
			t.Errorf("%s: %s %s = %d %q; want %d", c.name, c.method, c.path, code, body, c.want)
		case code == http.StatusOK:
			bodies[c.name] = body
		case strings.Contains(body, "gitops_drift"):
			t.Errorf("%s: refused with %q", c.name, body)
		}
	}
	return bodies
}

// checkScrapes scrapes serve's secure metrics at base as Prometheus does with the install:
// over HTTPS verified with ca, with the token of a ServiceAccount bound to the install's
// metrics-reader ClusterRole (named role on the test's server): 200 with serve's metrics.
// Without the binding: 403; without a token: 401.
func checkScrapes(t *testing.T, admin kubernetes.Interface, ns, base string, ca []byte, role string) {
	t.Helper()
	scraper := servetest.Caller(t, admin, ns, "scraper", role)
	nobody := servetest.Caller(t, admin, ns, "not-a-scraper", "")
	servetest.WaitURLAllowed(t, admin, ns, "scraper", "get", "/metrics")
	bodies := checkCalls(t, base, ca, []call{
		{name: "a scraper bound to " + role, method: http.MethodGet, path: "/metrics", token: scraper, want: http.StatusOK},
		{name: "a ServiceAccount without the binding", method: http.MethodGet, path: "/metrics", token: nobody, want: http.StatusForbidden},
		{name: "no token", method: http.MethodGet, path: "/metrics", want: http.StatusUnauthorized},
	})
	if body, ok := bodies["a scraper bound to "+role]; ok && !strings.Contains(body, "gitops_drift_manifest_load_errors_total") {
		t.Errorf("the scrape has no gitops_drift_manifest_load_errors_total:\n%s", body)
	}
}

// desiredConfigMap is a desired state of one ConfigMap in namespace ns.
func desiredConfigMap(ns, color string) map[string]string {
	return map[string]string{"desired.yaml": fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: %s}\ndata: {color: %s}\n", ns, color)}
}

// checkRefreshAsInstalled runs serve with the git part's args, under a token of a
// ServiceAccount bound as the install binds it (suffix "-git"), following a repository over
// HTTP with the token file of the part's Secret, and checks POST /git/refresh as the install
// leaves it to its callers: a ServiceAccount bound to the part's gitops-drift-refresh
// ClusterRole gets the new commit at once, a scraper is refused, and the refresher may not
// scrape. serve logs no "forbidden".
func checkRefreshAsInstalled(t *testing.T, env *kubeenv.Env, bin, certDir string) {
	admin := env.Clientset(t)
	in := render(t, partGit)
	const sa, suffix = "gitops-drift-git", "-git"
	bindAs(t, admin, in, sa, suffix)
	registerWebhook(t, admin, in)
	ns := env.Namespace(t)

	repo := gitrepo.New(t)
	repo.Commit("the app's ConfigMap", desiredConfigMap(ns, "blue"))
	const gitToken = "a-git-token"
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(gitToken), 0o600); err != nil {
		t.Fatal(err)
	}
	metricsCerts, ca := servetest.MetricsCerts(t)
	metrics, health := servetest.FreePort(t), servetest.FreePort(t)
	args := servetest.Args(t, gitopsDriftContainer(t, only[*appsv1.Deployment](t, in)).Args, map[string]string{
		"--git-url":                   repo.ServeHTTP(gitToken),
		"--git-token-file":            tokenFile,
		"--git-cache-dir":             t.TempDir(),
		"--cert-dir":                  certDir,
		"--webhook-port":              fmt.Sprint(servetest.FreePort(t)),
		"--metrics-bind-address":      fmt.Sprintf("127.0.0.1:%d", metrics),
		"--metrics-cert-dir":          metricsCerts,
		"--health-probe-bind-address": fmt.Sprintf("127.0.0.1:%d", health),
		"--kubeconfig":                servetest.TokenKubeconfig(t, env, admin, installNamespace, sa),
		"--log-level":                 "debug",
	})
	p := servetest.Start(t, bin, args)
	p.WaitReady(health)

	refresher := servetest.Caller(t, admin, ns, "gitops-controller", "gitops-drift-refresh"+suffix)
	scraper := servetest.Caller(t, admin, ns, "scraper", "gitops-drift-metrics-reader"+suffix)
	servetest.WaitURLAllowed(t, admin, ns, "gitops-controller", "post", "/git/refresh")
	servetest.WaitURLAllowed(t, admin, ns, "scraper", "get", "/metrics")
	second := repo.Commit("the app's ConfigMap, green", desiredConfigMap(ns, "green"))
	bodies := checkCalls(t, fmt.Sprintf("https://127.0.0.1:%d", metrics), ca, []call{
		{name: "refresh by a scraper", method: http.MethodPost, path: "/git/refresh", token: scraper, want: http.StatusForbidden},
		{name: "scrape by the GitOps controller", method: http.MethodGet, path: "/metrics", token: refresher, want: http.StatusForbidden},
		{name: "refresh without a token", method: http.MethodPost, path: "/git/refresh", want: http.StatusUnauthorized},
		{name: "refresh", method: http.MethodPost, path: "/git/refresh", token: refresher, want: http.StatusOK},
		{name: "scrape", method: http.MethodGet, path: "/metrics", token: scraper, want: http.StatusOK},
	})
	var res struct{ Revision string }
	if err := json.Unmarshal([]byte(bodies["refresh"]), &res); err != nil || res.Revision != second[:12] {
		t.Errorf("refresh answered %q (%v); want revision %s, the new commit", bodies["refresh"], err, second[:12])
	}
	if body, want := bodies["scrape"], fmt.Sprintf(`gitops_drift_desired_revision_info{revision=%q} 1`, second[:12]); !strings.Contains(body, want) {
		t.Errorf("the scrape after the refresh has no %s:\n%s", want, body)
	}
	p.Stop()
	for _, line := range servetest.Forbidden(p.Output()) {
		t.Errorf("serve was refused a call: %s", line)
	}
}
