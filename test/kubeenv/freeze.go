package kubeenv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// APIServerPID returns the process ID of the server's kube-apiserver: the one whose command
// line has its --secure-port (Linux only: it reads /proc).
func (e *Env) APIServerPID() (int, error) {
	want := []byte("--secure-port=" + e.env.ControlPlane.APIServer.SecureServing.Port)
	cmdlines, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		return 0, fmt.Errorf("list processes: %w", err)
	}
	for _, f := range cmdlines {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // gone meanwhile
		}
		args := bytes.Split(b, []byte{0})
		if filepath.Base(string(args[0])) != "kube-apiserver" {
			continue
		}
		for _, a := range args[1:] {
			if bytes.Equal(a, want) {
				return strconv.Atoi(filepath.Base(filepath.Dir(f)))
			}
		}
	}
	return 0, fmt.Errorf("no kube-apiserver process with %s", want)
}

// Freeze stops the API server process (SIGSTOP), as an overloaded or partitioned control
// plane looks to its clients: connections open, no answers. etcd keeps running. It returns
// thaw (SIGCONT), which the test's end calls too, so that a failed test never leaves the
// server frozen for the next one; calling it twice is harmless.
func (e *Env) Freeze(t testing.TB) (thaw func()) {
	t.Helper()
	pid, err := e.APIServerPID()
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatalf("stop kube-apiserver (pid %d): %v", pid, err)
	}
	thaw = func() {
		if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
			t.Errorf("resume kube-apiserver (pid %d): %v", pid, err)
		}
	}
	t.Cleanup(thaw)
	return thaw
}
