package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serve is a running `gitops-drift serve`.
type serve struct {
	cmd    *exec.Cmd
	exited chan struct{}
	health int
	// audits receives the durationSeconds of each "audit done" log line.
	audits chan float64

	mu  sync.Mutex
	log []string // the last lines of its output, for errors
}

// startServe starts `gitops-drift serve` with args added to the ones every run needs, and
// waits until it is ready.
func startServe(ctx context.Context, binary, manifests, kubeconfig string, args ...string) (*serve, error) {
	return startServeEnv(ctx, nil, binary, manifests, kubeconfig, args...)
}

// startServeEnv is startServe with env added to the process's environment.
func startServeEnv(ctx context.Context, env []string, binary, manifests, kubeconfig string, args ...string) (*serve, error) {
	health, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &serve{exited: make(chan struct{}), health: health, audits: make(chan float64, 1024)}
	s.cmd = exec.Command(binary, append([]string{"serve",
		"--manifests", manifests,
		"--kubeconfig", kubeconfig,
		"--metrics-bind-address", "0",
		"--health-probe-bind-address", fmt.Sprintf("127.0.0.1:%d", health),
		"--log-format", "json",
	}, args...)...)
	out, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	s.cmd.Stdout = io.Discard
	if env != nil {
		s.cmd.Env = append(os.Environ(), env...)
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %w", err)
	}
	go s.read(out)
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

// read follows serve's JSON log: it keeps the last lines and passes on audit durations.
func (s *serve) read(out io.Reader) {
	defer close(s.exited)
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		s.mu.Lock()
		if s.log = append(s.log, line); len(s.log) > 20 {
			s.log = s.log[1:]
		}
		s.mu.Unlock()
		var entry struct {
			Msg      string  `json:"msg"`
			Duration float64 `json:"durationSeconds"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "audit done" {
			select {
			case s.audits <- entry.Duration:
			default:
			}
		}
	}
	_ = s.cmd.Wait()
}

// lastLines returns serve's last log lines.
func (s *serve) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// waitReady polls /readyz until it answers 200.
func (s *serve) waitReady(ctx context.Context) error {
	url := fmt.Sprintf("http://127.0.0.1:%d/readyz", s.health)
	return poll(ctx, "serve to be ready", 2*time.Minute, s.exited, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// nextAudit waits for the next "audit done" line and returns its duration.
func (s *serve) nextAudit(ctx context.Context, timeout time.Duration) (time.Duration, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case d := <-s.audits:
		return time.Duration(d * float64(time.Second)), nil
	case <-s.exited:
		return 0, fmt.Errorf("serve exited:\n%s", s.lastLines())
	case <-t.C:
		return 0, fmt.Errorf("no audit within %s:\n%s", timeout, s.lastLines())
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// stop ends serve with SIGTERM and waits for it.
func (s *serve) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// poll calls done every 100ms until it returns true, failing after timeout or when exited
// closes.
func poll(ctx context.Context, what string, timeout time.Duration, exited <-chan struct{}, done func() bool) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !done() {
		select {
		case <-deadline.C:
			return fmt.Errorf("timed out after %s waiting for %s", timeout, what)
		case <-exited:
			return fmt.Errorf("process exited while waiting for %s", what)
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// procStats is what /proc says of a process: CPU time used and resident memory.
type procStats struct {
	cpu     time.Duration // user + system
	rss     int64         // bytes
	peakRSS int64         // VmHWM, bytes
	rssFile int64         // bytes of rss mapped from files: the binary's pages
	rssAnon int64         // bytes of rss not backed by a file: heap, stacks, runtime
}

// clockTick is the unit of /proc/PID/stat's times (USER_HZ), 100 on Linux.
const clockTick = 10 * time.Millisecond

func readProc(pid int) (procStats, error) {
	var st procStats
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return st, fmt.Errorf("read process stats: %w", err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return st, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64) // utime is field 14 of stat
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	st.cpu = time.Duration(utime+stime) * clockTick
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return st, fmt.Errorf("read process status: %w", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			st.rss = kb * 1024
		case "VmHWM":
			st.peakRSS = kb * 1024
		case "RssFile":
			st.rssFile = kb * 1024
		case "RssAnon":
			st.rssAnon = kb * 1024
		}
	}
	return st, nil
}
