package servetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/gitops-drift/gitops-drift/test/capture"
	"github.com/gitops-drift/gitops-drift/test/kubeenv"
)

// Build builds gitops-drift for the test and returns the binary's path.
func Build(t *testing.T) string {
	t.Helper()
	bin, err := BuildInto(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// BuildInto builds gitops-drift into dir and returns the binary's path: for a TestMain,
// which has no *testing.T.
func BuildInto(dir string) (string, error) {
	bin := filepath.Join(dir, "gitops-drift")
	// As the image and the release archives ship it (Makefile's GO_BUILD): the tests and the
	// benchmarks that run this binary see its resident memory and start as users do.
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, "github.com/gitops-drift/gitops-drift/cmd/gitops-drift")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build gitops-drift: %w\n%s", err, out)
	}
	return bin, nil
}

// TokenKubeconfig writes a kubeconfig that reaches env's server with a token of the
// ServiceAccount namespace/name, from the TokenRequest API (as the kubelet mounts one in the
// pods), and returns its path.
func TokenKubeconfig(t *testing.T, env *kubeenv.Env, admin kubernetes.Interface, namespace, name string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["envtest"] = &clientcmdapi.Cluster{Server: env.Config.Host, CertificateAuthorityData: env.Config.CAData}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: Token(t, admin, namespace, name)}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: name}
	cfg.CurrentContext = name
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// Args returns a Deployment's args for a process outside the cluster: each flag of replace
// takes the value given (every one but --kubeconfig and --log-level must be among the args,
// as --flag=value), and those two are added.
func Args(t *testing.T, args []string, replace map[string]string) []string {
	t.Helper()
	out := []string{args[0]}
	found := map[string]bool{}
	for _, a := range args[1:] {
		flag, _, hasValue := strings.Cut(a, "=")
		if v, ok := replace[flag]; ok && hasValue {
			a, found[flag] = flag+"="+v, true
		}
		out = append(out, a)
	}
	for flag, v := range replace {
		switch {
		case flag == "--kubeconfig" || flag == "--log-level":
			out = append(out, flag+"="+v)
		case !found[flag]:
			t.Fatalf("the Deployment's args %q have no %s=...", args, flag)
		}
	}
	return out
}

// Process is a running serve.
type Process struct {
	t      *testing.T
	args   []string
	cmd    *exec.Cmd
	out    *capture.Buffer
	exited chan struct{}
}

// Start starts bin with args; the process is stopped when the test ends, and its output
// logged if the test failed.
func Start(t *testing.T, bin string, args []string) *Process {
	t.Helper()
	p := &Process{t: t, args: args, out: &capture.Buffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("serve %q output:\n%s", args, p.out.String())
		}
	})
	return p
}

// Output returns what the process wrote so far, stdout and stderr together.
func (p *Process) Output() string { return p.out.String() }

// Stop sends SIGTERM and waits for the process to exit (killing it after 30s).
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// Poll calls done every 100ms until it returns true, failing the test after timeout or if
// the process exits.
func (p *Process) Poll(what string, timeout time.Duration, done func() bool) {
	p.t.Helper()
	deadline := time.After(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-p.exited:
			p.t.Fatalf("serve exited while waiting for %s", what)
		case <-deadline:
			p.t.Fatalf("timed out after %s waiting for %s", timeout, what)
		case <-tick.C:
		}
	}
}

// WaitReady polls GET /readyz on 127.0.0.1:healthPort until it answers 200.
func (p *Process) WaitReady(healthPort int) {
	p.t.Helper()
	p.Poll("readiness", 60*time.Second, func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", healthPort))
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// WaitLog waits for the first JSON log line with message msg and returns it.
func (p *Process) WaitLog(msg string) map[string]any {
	p.t.Helper()
	var line map[string]any
	p.Poll(fmt.Sprintf("the log line %q", msg), 60*time.Second, func() bool {
		line = LogLine(p.Output(), msg)
		return line != nil
	})
	return line
}

// forbidden matches the lines of serve's output that tell of a refused call.
var forbidden = regexp.MustCompile(`(?im)^.*forbidden.*$`)

// Forbidden returns the lines of out that tell of a call the API server refused.
func Forbidden(out string) []string { return forbidden.FindAllString(out, -1) }

// LogLine returns the first JSON log line of out with message msg, or nil.
func LogLine(out, msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	return nil
}

// FreePort returns a TCP port free on 127.0.0.1 now.
func FreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
