package kubeenv

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Main runs a package's tests with a server started once for all of them; call it from TestMain
// and pass its result to os.Exit. Under -short no server starts and *env stays nil: tests that
// need it call Require, which skips them.
func Main(m *testing.M, env **Env, opts Options) int {
	flag.Parse()
	if testing.Short() {
		return m.Run()
	}
	e, err := Start(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kubeenv:", err)
		return 1
	}
	*env = e
	code := m.Run()
	if err := e.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "kubeenv: stop:", err)
	}
	return code
}

// Require skips the test under -short, when no server was started.
func Require(t testing.TB, env *Env) *Env {
	t.Helper()
	if env == nil {
		t.Skip("needs a real API server; skipped under -short")
	}
	return env
}

// Clientset returns a typed client for the server.
func (e *Env) Clientset(t testing.TB) kubernetes.Interface {
	t.Helper()
	cs, err := kubernetes.NewForConfig(e.Config)
	if err != nil {
		t.Fatalf("clientset: %v", err)
	}
	return cs
}

var notDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// Namespace creates a namespace named after the test and returns its name. It is deleted
// when the test ends (there is no namespace controller, so its objects stay in etcd; names
// are unique, so that does not matter).
func (e *Env) Namespace(t testing.TB) string {
	t.Helper()
	name := strings.Trim(notDNS.ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	if len(name) > 50 {
		name = name[:50]
	}
	name = strings.Trim(name, "-") + fmt.Sprintf("-%d", time.Now().UnixNano()%100000)
	cs := e.Clientset(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := cs.CoreV1().Namespaces().Create(t.Context(), ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

// Run runs the built kubectl against the server and returns its stdout and stderr.
func (e *Env) Run(ctx context.Context, stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.CommandContext(ctx, e.Kubectl, append([]string{"--kubeconfig", e.Kubeconfig}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err = cmd.Run()
	if err != nil {
		err = fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String(), err
}

// KubectlT runs kubectl and fails the test if it fails; it returns stdout.
func (e *Env) KubectlT(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, _, err := e.Run(t.Context(), stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
