package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// auditResult is the auditor at one N.
type auditResult struct {
	n         int
	source    string          // where the informers list from
	first     time.Duration   // the first audit, which waits for the informers' lists
	fromCache []time.Duration // the audits after it, from the synced informers
	peakRSS   int64           // bytes: the process's peak while auditing
	setupRSS  int64           // bytes: its peak over setup, for the in-memory runs
	heapMB    float64         // the live heap after the sync, for the in-memory runs
	binaryRSS int64           // bytes: the test binary's resident pages, for the in-memory runs
}

// auditReal runs `gitops-drift serve --no-webhook` over a populated corpus on the real API
// server and times its audits: the first, then count more from its informers' caches.
func auditReal(ctx context.Context, o *options, dir, kubeconfig string, n int) (auditResult, error) {
	r := auditResult{n: n, source: "real API server, informers"}
	s, err := startServe(ctx, o.binary, dir, kubeconfig, "--no-webhook", "--audit-interval", o.auditInterval.String())
	if err != nil {
		return r, err
	}
	defer s.stop()
	timeout := 5*time.Minute + o.auditInterval
	if r.first, err = s.nextAudit(ctx, timeout); err != nil {
		return r, err
	}
	for range o.audits {
		d, err := s.nextAudit(ctx, timeout)
		if err != nil {
			return r, err
		}
		r.fromCache = append(r.fromCache, d)
	}
	st, err := readProc(s.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	r.peakRSS = st.peakRSS
	return r, nil
}

// auditMemory runs auditor's BenchmarkAuditCycle at n objects, its informers fed from memory
// (no API server), count times after the first audit, and reads what it reports. With
// memLimit, the benchmark runs with that GOMEMLIMIT.
func auditMemory(ctx context.Context, o *options, n int, memLimit string) (auditResult, error) {
	r := auditResult{n: n, source: "informers fed from memory"}
	if memLimit != "" {
		r.source += ", GOMEMLIMIT=" + memLimit
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", fmt.Sprintf("^BenchmarkAuditCycle$/^%d$", n),
		"-benchtime", fmt.Sprintf("%dx", o.audits), "-count", "1", "./auditor")
	cmd.Dir = o.repo
	// CGO_ENABLED=0: a static test binary, as gitops-drift ships, for its resident memory.
	cmd.Env = append(os.Environ(), fmt.Sprintf("GITOPS_DRIFT_BENCH_AUDIT_SIZES=%d", n), "CGO_ENABLED=0")
	if memLimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+memLimit)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return r, fmt.Errorf("%s: %w\n%s%s", strings.Join(cmd.Args, " "), err, out.String(), tail(errOut.String()))
	}
	metrics, err := benchLine(out.String(), fmt.Sprintf("BenchmarkAuditCycle/%d", n))
	if err != nil {
		return r, err
	}
	r.fromCache = []time.Duration{time.Duration(metrics["ns/op"])}
	r.peakRSS = int64(metrics["peak-RSS-MB"] * 1e6)
	r.setupRSS = int64(metrics["setup-RSS-MB"] * 1e6)
	r.heapMB = metrics["heap-MB"]
	r.binaryRSS = int64(metrics["binary-RSS-MB"] * 1e6)
	return r, nil
}

// benchLine returns the metrics of the benchmark named name in go test's output.
func benchLine(out, name string) (map[string]float64, error) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], name+"-") && f[0] != name {
			continue
		}
		m := map[string]float64{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", sc.Text(), err)
			}
			m[f[i+1]] = v
		}
		return m, nil
	}
	return nil, fmt.Errorf("no result for %s in:\n%s", name, out)
}
