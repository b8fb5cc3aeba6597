package desired

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/gitsource"
)

// gitFixture is a Git repository followed by a Reloader, with a fake clock. The webhook's
// tests judge requests against such a Reloader's Store (webhook/git_test.go).
type gitFixture struct {
	repo     *gitrepo.Repo
	store    *Store
	reloader *Reloader
	clock    *clocktesting.FakeClock
	reg      *prometheus.Registry
}

const maxStaleness = 10 * time.Minute

func newGitFixture(t *testing.T, url func(*gitrepo.Repo) string) *gitFixture {
	t.Helper()
	repo, git := gitsource.New(t, url)
	f := &gitFixture{repo: repo, store: &Store{}, reg: prometheus.NewRegistry(), clock: clocktesting.NewFakeClock(time.Unix(1800000000, 0))}
	m, err := metrics.New(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	f.reloader = NewReloader(&GitSource{Git: git, Loader: gitsource.Load}, f.store, ReloaderOptions{
		Metrics: m, RetryFailed: true, MaxStaleness: maxStaleness, Clock: f.clock,
	})
	if err := f.reloader.Reload(t.Context()); err != nil {
		t.Fatalf("first Reload: %v", err)
	}
	return f
}

func (f *gitFixture) revision(t *testing.T) string {
	t.Helper()
	return f.store.Load().Revision
}

// image returns the image of the web Deployment in the store.
func (f *gitFixture) image(t *testing.T) string {
	t.Helper()
	tg, ok := f.store.Load().Lookup(manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "default", Name: "web"})
	if !ok {
		t.Fatal("web not in the store")
	}
	spec := tg.Want()["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	return spec["containers"].([]any)[0].(map[string]any)["image"].(string)
}

// sample returns a metric's value, labels as "name{label=value}"; false when absent.
func (f *gitFixture) sample(t *testing.T, name string) (float64, bool) {
	t.Helper()
	mfs, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			full := mf.GetName()
			for _, l := range m.GetLabel() {
				full += "{" + l.GetName() + "=" + l.GetValue() + "}"
			}
			if full != name {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue(), true
			}
			return m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

func TestGitReload(t *testing.T) {
	urls := map[string]func(*gitrepo.Repo) string{
		"file": (*gitrepo.Repo).URL,
		"http": func(r *gitrepo.Repo) string { return r.ServeHTTP("") },
	}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			f := newGitFixture(t, url)
			ctx := t.Context()
			if got := f.image(t); got != "nginx:1.25" {
				t.Fatalf("first commit: image %q, want nginx:1.25", got)
			}

			second := f.repo.Commit("new image", map[string]string{gitsource.WebFile: gitsource.WebDeployment("nginx:1.26")})
			if err := f.reloader.Reload(ctx); err != nil || f.revision(t) != second[:12] {
				t.Fatalf("new commit: Reload = %v, revision %s; want %s", err, f.revision(t), second[:12])
			}
			if got := f.image(t); got != "nginx:1.26" {
				t.Errorf("new commit: image %q, want nginx:1.26", got)
			}

			broken := f.repo.Commit("broken", map[string]string{"deploy/web.yaml": "kind: [unclosed\n"})
			err := f.reloader.Reload(ctx)
			var re *ReloadError
			if !errors.As(err, &re) || re.Fetch || re.Revision != broken[:12] || re.InForce != second[:12] || !strings.Contains(err.Error(), "deploy/web.yaml:1") {
				t.Fatalf("broken commit: Reload = %#v; want a load error of %s naming deploy/web.yaml:1, %s in force", err, broken[:12], second[:12])
			}
			if f.revision(t) != second[:12] || f.reloader.Err() == nil {
				t.Fatalf("broken commit: revision %s, Err %v; want %s kept and the error", f.revision(t), f.reloader.Err(), second[:12])
			}
			if v, ok := f.sample(t, "gitops_drift_desired_failed_revision_info{revision="+broken[:12]+"}"); !ok || v != 1 {
				t.Errorf("failed revision metric = %v, %v; want 1", v, ok)
			}
			if err := f.reloader.Reload(ctx); err == nil {
				t.Error("the broken commit is not retried")
			}
			if v, _ := f.sample(t, "gitops_drift_manifest_load_errors_total"); v != 2 {
				t.Errorf("load errors = %v, want 2 (a failure and its retry)", v)
			}

			fixed := f.repo.Commit("fixed", map[string]string{gitsource.WebFile: gitsource.WebDeployment("nginx:1.27")})
			if err := f.reloader.Reload(ctx); err != nil || f.revision(t) != fixed[:12] || f.reloader.Err() != nil {
				t.Fatalf("fixed commit: Reload = %v, revision %s, Err %v", err, f.revision(t), f.reloader.Err())
			}
			if _, ok := f.sample(t, "gitops_drift_desired_failed_revision_info{revision="+broken[:12]+"}"); ok {
				t.Error("the failed revision metric stays after a good load")
			}
		})
	}
}

func TestGitStalenessGuard(t *testing.T) {
	f := newGitFixture(t, (*gitrepo.Repo).URL)
	ctx := t.Context()
	f.repo.SetReachable(false)
	if err := f.reloader.Reload(ctx); err == nil {
		t.Fatal("Reload of an unreachable repository succeeded")
	}
	if v, _ := f.sample(t, "gitops_drift_source_fetch_errors_total"); v != 1 {
		t.Errorf("fetch errors = %v, want 1", v)
	}

	f.clock.Step(maxStaleness) // not older than the limit yet
	_ = f.reloader.Reload(ctx)
	if reason, stale := f.reloader.Stale(); stale {
		t.Fatalf("stale (%q) before --git-max-staleness", reason)
	}

	f.clock.Step(time.Second)
	_ = f.reloader.Reload(ctx)
	want := "Git could not be reached since 2027-01-15T08:00:00Z"
	if reason, stale := f.reloader.Stale(); !stale || reason != want {
		t.Fatalf("Stale = %q, %v; want %q, true", reason, stale, want)
	}
	if v, _ := f.sample(t, "gitops_drift_source_stale"); v != 1 {
		t.Errorf("stale gauge = %v, want 1", v)
	}
	if err := f.reloader.Fresh(nil); err == nil || !strings.Contains(err.Error(), "Git could not be reached") {
		t.Errorf("Fresh = %v, want the reason", err)
	}

	f.repo.SetReachable(true)
	if err := f.reloader.Reload(ctx); err != nil {
		t.Fatalf("Reload once reachable: %v", err)
	}
	if reason, stale := f.reloader.Stale(); stale {
		t.Errorf("still stale (%q) once Git is reachable again", reason)
	}
	if v, _ := f.sample(t, "gitops_drift_source_stale"); v != 0 {
		t.Errorf("stale gauge = %v once fresh, want 0", v)
	}
}

// A commit that fails to load leaves the state behind Git too: the guard counts from the last
// time the state in force was Git's latest.
func TestGitStalenessGuardBrokenCommit(t *testing.T) {
	f := newGitFixture(t, (*gitrepo.Repo).URL)
	broken := f.repo.Commit("broken", map[string]string{"deploy/web.yaml": "kind: [\n"})
	_ = f.reloader.Reload(t.Context())
	f.clock.Step(maxStaleness + time.Second)
	_ = f.reloader.Reload(t.Context())
	reason, stale := f.reloader.Stale()
	if !stale || !strings.Contains(reason, "revision "+broken[:12]+" has not loaded since") {
		t.Errorf("Stale = %q, %v; want stale naming %s", reason, stale, broken[:12])
	}
}

func TestRefreshHandler(t *testing.T) {
	f := newGitFixture(t, (*gitrepo.Repo).URL)
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("let-me-in\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(RefreshHandler(f.reloader, secretFile, logr.Discard()))
	defer srv.Close()
	post := func(method, token string) (int, refreshResult) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res refreshResult
		_ = json.NewDecoder(resp.Body).Decode(&res)
		return resp.StatusCode, res
	}
	next := f.repo.Commit("next", map[string]string{gitsource.WebFile: gitsource.WebDeployment("nginx:1.30")})
	for _, tt := range []struct {
		method, token string
		want          int
	}{{http.MethodPost, "", http.StatusUnauthorized}, {http.MethodPost, "wrong", http.StatusUnauthorized}, {http.MethodGet, "let-me-in", http.StatusMethodNotAllowed}} {
		if code, _ := post(tt.method, tt.token); code != tt.want {
			t.Errorf("%s with token %q = %d, want %d", tt.method, tt.token, code, tt.want)
		}
	}
	if f.revision(t) == next[:12] {
		t.Fatal("a refused request fetched")
	}
	code, res := post(http.MethodPost, "let-me-in")
	if code != http.StatusOK || res.Revision != next[:12] || f.revision(t) != next[:12] {
		t.Fatalf("refresh = %d %+v, store at %s; want 200 and %s", code, res, f.revision(t), next[:12])
	}
	f.repo.SetReachable(false)
	if code, res := post(http.MethodPost, "let-me-in"); code != http.StatusBadGateway || res.Error == "" || res.Revision != next[:12] {
		t.Errorf("refresh of an unreachable repository = %d %+v; want 502 with the error and %s in force", code, res, next[:12])
	}
}
