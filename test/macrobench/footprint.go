package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gitops-drift/gitops-drift/certs"
)

// footprintResult is the memory of a webhook-only replica (`serve --no-audit`) holding n
// desired objects.
type footprintResult struct {
	n        int    // 0: an empty manifest directory
	memLimit string // GOMEMLIMIT, "" for none
	ready    time.Duration
	loaded   procStats // when ready: its peak is the load's
	settled  procStats // after --footprint-settle more
}

// footprints measures a webhook-only replica over dir, the corpus of n objects, and over an
// empty directory, each without GOMEMLIMIT and with --footprint-gomemlimit.
func footprints(ctx context.Context, o *options, work, dir, kubeconfig string, n int) ([]footprintResult, error) {
	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", empty, err)
	}
	certDir := filepath.Join(work, "footprint-certs")
	b, err := certs.Generate(certs.Options{IPs: []net.IP{net.ParseIP("127.0.0.1")}})
	if err != nil {
		return nil, err
	}
	if err := b.Write(certDir); err != nil {
		return nil, err
	}
	limits := []string{""}
	if o.footprintLimit != "" {
		limits = append(limits, o.footprintLimit)
	}
	var out []footprintResult
	for _, limit := range limits {
		for _, run := range []struct {
			n   int
			dir string
		}{{0, empty}, {n, dir}} {
			r, err := footprint(ctx, o, run.dir, kubeconfig, certDir, run.n, limit)
			if err != nil {
				return out, fmt.Errorf("webhook replica over %d objects: %w", run.n, err)
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// footprint runs one webhook-only replica over dir until it is ready, then --footprint-settle
// more: its Reloader polls the directory meanwhile, as a replica's does, and the heap grows to
// what the collector lets it.
func footprint(ctx context.Context, o *options, dir, kubeconfig, certDir string, n int, memLimit string) (footprintResult, error) {
	r := footprintResult{n: n, memLimit: memLimit}
	port, err := freePort()
	if err != nil {
		return r, err
	}
	var env []string
	if memLimit != "" {
		env = []string{"GOMEMLIMIT=" + memLimit}
	}
	start := time.Now()
	s, err := startServeEnv(ctx, env, o.binary, dir, kubeconfig, "--no-audit",
		"--cert-dir", certDir, "--webhook-port", strconv.Itoa(port))
	if err != nil {
		return r, err
	}
	defer s.stop()
	r.ready = time.Since(start)
	if r.loaded, err = readProc(s.cmd.Process.Pid); err != nil {
		return r, err
	}
	select {
	case <-ctx.Done():
		return r, ctx.Err()
	case <-time.After(o.footprintSettle): // a fixed wait is the measurement, not synchronisation
	}
	r.settled, err = readProc(s.cmd.Process.Pid)
	return r, err
}

func writeFootprints(b *strings.Builder, o *options, fs []footprintResult) {
	if len(fs) == 0 {
		return
	}
	b.WriteString("## A webhook-only replica's memory\n\n")
	b.WriteString("`gitops-drift serve --no-audit` over the corpus above (at an N not compared with kubectl diff, written\n")
	b.WriteString("but not created in the API server: the replica reads no live object), and over an empty directory (the floor: the\n")
	b.WriteString("process before it holds any desired object). Peak RSS is VmHWM when it turned ready (the load's peak);\n")
	fmt.Fprintf(b, "RSS is VmRSS %s later, its Reloader polling the directory meanwhile, split into the binary's pages\n", o.footprintSettle)
	b.WriteString("(RssFile: code and read-only data that package initialisation touched) and anonymous memory (RssAnon:\n")
	b.WriteString("heap, stacks, runtime).\n\n")
	b.WriteString("| N | GOMEMLIMIT | ready after | peak RSS | RSS | binary's pages | anonymous |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|\n")
	for _, f := range fs {
		limit := f.memLimit
		if limit == "" {
			limit = "none"
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s |\n", f.n, limit, secs(f.ready), mb(f.loaded.peakRSS),
			mb(f.settled.rss), mb(f.settled.rssFile), mb(f.settled.rssAnon))
	}
	b.WriteString("\n")
}
