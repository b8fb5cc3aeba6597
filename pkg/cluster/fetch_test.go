package cluster_test

import (
	"net/http"
	"os"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/pkg/cluster"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

var env *kubeenv.Env

func TestMain(m *testing.M) {
	os.Exit(kubeenv.Main(m, &env, kubeenv.Options{}))
}

// requestLog records the method and path of every request a client makes.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
	next http.RoundTripper
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r.Method+" "+r.URL.Path)
	l.mu.Unlock()
	return l.next.RoundTrip(r)
}

func configMap(ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("ConfigMap")
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

// TestFetchListsSharedKinds checks that objects sharing a kind and namespace cost one LIST, a
// lone object one GET, and that absent objects come back as nil without an error.
func TestFetchListsSharedKinds(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	e.KubectlT(t, "", "-n", ns, "create", "configmap", "a")
	e.KubectlT(t, "", "-n", ns, "create", "configmap", "b")
	e.KubectlT(t, "", "-n", ns, "create", "serviceaccount", "sa")

	c, err := cluster.New(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	log := &requestLog{}
	cfg := rest.CopyConfig(e.Config)
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { log.next = rt; return log }
	counted, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	counted.Mapper = c.Mapper // discovery is not what this test counts
	log.reqs = nil

	sa := &unstructured.Unstructured{}
	sa.SetAPIVersion("v1")
	sa.SetKind("ServiceAccount")
	sa.SetNamespace(ns)
	sa.SetName("sa")
	got := counted.Fetch(t.Context(), []*unstructured.Unstructured{configMap(ns, "a"), configMap(ns, "b"), configMap(ns, "absent"), sa})

	want := []string{
		"GET /api/v1/namespaces/" + ns + "/configmaps",
		"GET /api/v1/namespaces/" + ns + "/serviceaccounts/sa",
	}
	if diff := cmp.Diff(want, log.reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	for i, name := range []string{"a", "b", "", "sa"} {
		if got[i].Err != nil {
			t.Errorf("object %d: %v", i, got[i].Err)
			continue
		}
		gotName := ""
		if got[i].Object != nil {
			gotName = got[i].Object.GetName()
		}
		if gotName != name {
			t.Errorf("object %d = %q, want %q", i, gotName, name)
		}
	}
}
