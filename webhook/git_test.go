package webhook

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	admissionv1 "k8s.io/api/admission/v1"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/gitops-drift/gitops-drift/pkg/desired"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/policy"
	"github.com/gitops-drift/gitops-drift/test/gitrepo"
	"github.com/gitops-drift/gitops-drift/test/gitsource"
)

// gitFixture is a Git repository followed by pkg/desired's Reloader, as serve follows
// --git-url, with a deny-mode Handler on its Store and a fake clock. The Reloader's own tests
// (revisions, load errors, the staleness guard's reasons and metrics) are in pkg/desired;
// these check what the Handler makes of them.
type gitFixture struct {
	repo     *gitrepo.Repo
	store    *desired.Store
	reloader *desired.Reloader
	handler  *Handler
	clock    *clocktesting.FakeClock
	reg      *prometheus.Registry
}

const maxStaleness = 10 * time.Minute

func newGitFixture(t *testing.T, url func(*gitrepo.Repo) string) *gitFixture {
	t.Helper()
	repo, git := gitsource.New(t, url)
	f := &gitFixture{repo: repo, store: &desired.Store{}, reg: prometheus.NewRegistry(), clock: clocktesting.NewFakeClock(time.Unix(1800000000, 0))}
	m, err := metrics.New(f.reg)
	if err != nil {
		t.Fatal(err)
	}
	f.reloader = desired.NewReloader(&desired.GitSource{Git: git, Loader: gitsource.Load}, f.store, desired.ReloaderOptions{
		Metrics: m, RetryFailed: true, MaxStaleness: maxStaleness, Clock: f.clock,
	})
	f.handler = NewHandler(f.store, Options{Enforcement: policy.EnforcementDeny, Metrics: m, Stale: f.reloader.Stale})
	if err := f.reloader.Reload(t.Context()); err != nil {
		t.Fatalf("first Reload: %v", err)
	}
	return f
}

// setImage judges an update of the web Deployment from the Git image to image.
func (f *gitFixture) setImage(t *testing.T, image string) (allowed bool, warnings []string, message string) {
	t.Helper()
	d := f.store.Load()
	old := gitObject(t, d, "apps", "Deployment", "default", "web")
	obj := gitObject(t, d, "apps", "Deployment", "default", "web", setField("spec.template.spec.containers[name=web].image", image))
	resp := f.handler.Handle(t.Context(), newRequest(t, admissionv1.Update, obj, old))
	return resp.Allowed, resp.Warnings, resp.Result.Message
}

func (f *gitFixture) revision(t *testing.T) string {
	t.Helper()
	return f.store.Load().Revision
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
			if allowed, _, msg := f.setImage(t, "nginx:1.26"); allowed || !strings.Contains(msg, "revision "+f.revision(t)) {
				t.Fatalf("change away from Git: allowed = %v, message %q; want denied naming the revision", allowed, msg)
			}

			second := f.repo.Commit("new image", map[string]string{gitsource.WebFile: gitsource.WebDeployment("nginx:1.26")})
			if err := f.reloader.Reload(ctx); err != nil || f.revision(t) != second[:12] {
				t.Fatalf("new commit: Reload = %v, revision %s; want %s", err, f.revision(t), second[:12])
			}
			if allowed, _, _ := f.setImage(t, "nginx:1.25"); allowed {
				t.Error("the old image is allowed after the commit that changed it")
			}
		})
	}
}

func TestGitStalenessGuard(t *testing.T) {
	f := newGitFixture(t, (*gitrepo.Repo).URL)
	ctx := t.Context()
	rev := f.revision(t)
	f.repo.SetReachable(false)
	if err := f.reloader.Reload(ctx); err == nil {
		t.Fatal("Reload of an unreachable repository succeeded")
	}

	f.clock.Step(maxStaleness) // not older than the limit yet
	_ = f.reloader.Reload(ctx)
	if allowed, _, _ := f.setImage(t, "nginx:1.26"); allowed {
		t.Fatal("denial turned to a warning before --git-max-staleness")
	}

	f.clock.Step(time.Second)
	_ = f.reloader.Reload(ctx)
	allowed, warnings, _ := f.setImage(t, "nginx:1.26")
	want := "gitops-drift: not denied: Git could not be reached since 2027-01-15T08:00:00Z; judged against revision " + rev
	if !allowed || len(warnings) < 2 || warnings[0] != want {
		t.Fatalf("stale: allowed = %v, warnings %q; want allowed with first warning %q", allowed, warnings, want)
	}
	if got := decisionCount(t, f.reg, DecisionStale); got != 1 {
		t.Errorf("stale decisions = %v, want 1", got)
	}

	f.repo.SetReachable(true)
	if err := f.reloader.Reload(ctx); err != nil {
		t.Fatalf("Reload once reachable: %v", err)
	}
	if allowed, _, _ := f.setImage(t, "nginx:1.26"); allowed {
		t.Error("still not denying once Git is reachable again")
	}
}
