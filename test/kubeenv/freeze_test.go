package kubeenv_test

import (
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

var env *kubeenv.Env

func TestMain(m *testing.M) {
	os.Exit(kubeenv.Main(m, &env, kubeenv.Options{}))
}

// TestFreeze: a frozen server accepts connections and answers nothing; once thawed it answers
// again, with what it held before.
func TestFreeze(t *testing.T) {
	e := kubeenv.Require(t, env)
	ns := e.Namespace(t)
	cfg := rest.CopyConfig(e.Config)
	cfg.Timeout = 2 * time.Second
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	get := func() error {
		_, err := cs.CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{})
		return err
	}
	if err := get(); err != nil {
		t.Fatalf("before the freeze: %v", err)
	}
	thaw := e.Freeze(t)
	start := time.Now()
	if err := get(); err == nil {
		t.Fatal("a frozen server answered")
	}
	if waited := time.Since(start); waited < cfg.Timeout {
		t.Errorf("the request failed after %s, before its %s timeout: the server refused it rather than not answering", waited, cfg.Timeout)
	}
	thaw()
	if err := get(); err != nil {
		t.Errorf("after the thaw: %v", err)
	}
	thaw() // the test's end calls it again
}
