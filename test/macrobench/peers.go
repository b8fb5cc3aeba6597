package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// tool is one way a user checks a cluster against a directory of manifests.
type tool struct {
	name string
	// args are the command line; the directory and kubeconfig are filled in by command.
	command func(dir, kubeconfig string) []string
	// drifted reads the objects the run found drifted from its output.
	drifted func(stdout []byte) ([]string, error)
	// exitOK reports whether the exit code means the run worked.
	exitOK func(code int) bool
	// phases, if set, reads the run's phase timings from its error output, started being
	// when the process was started.
	phases func(stderr []byte, started time.Time) ([]span, error)
}

// The names --tools takes.
const (
	toolGitopsDrift           = "gitops-drift"
	toolKubectlDiff           = "kubectl-diff"
	toolKubectlDiffServerSide = "kubectl-diff-server-side"
)

// toolNames are the tools --tools takes, and its default.
var toolNames = []string{toolGitopsDrift, toolKubectlDiff, toolKubectlDiffServerSide}

// checkTools reports names --tools does not know, and a list without gitops-drift: the table
// gives every time as a multiple of gitops-drift's.
func checkTools(names []string) error {
	for _, n := range names {
		if !slices.Contains(toolNames, n) {
			return fmt.Errorf("--tools: unknown tool %q; want some of %s", n, strings.Join(toolNames, ", "))
		}
	}
	if !slices.Contains(names, toolGitopsDrift) {
		return fmt.Errorf("--tools: %s is required: the other times are given as multiples of its", toolGitopsDrift)
	}
	return nil
}

// tools returns the tools the options compare, gitops-drift's check first: gitops-drift
// (the --baseline-binary next, if any), then kubectl diff, client and server side, as
// --tools selects them.
func tools(o *options, kubectl string) []tool {
	diffOK := func(code int) bool { return code == 0 || code == 1 } // 1: differences found
	out := []tool{gitopsDrift("gitops-drift --once --output json", o.binary)}
	if o.baseline != "" {
		out = append(out, gitopsDrift("gitops-drift --once --output json (baseline: "+filepath.Base(o.baseline)+")", o.baseline))
	}
	if slices.Contains(o.tools, toolKubectlDiff) {
		out = append(out, tool{
			name:    "kubectl diff -f DIR",
			command: func(dir, kc string) []string { return []string{kubectl, "--kubeconfig", kc, "diff", "-f", dir} },
			drifted: kubectlDrifted,
			exitOK:  diffOK,
		})
	}
	if slices.Contains(o.tools, toolKubectlDiffServerSide) {
		out = append(out, tool{
			name: "kubectl diff --server-side -f DIR",
			command: func(dir, kc string) []string {
				// --force-conflicts: the drifted fields belong to another field manager.
				return []string{kubectl, "--kubeconfig", kc, "diff", "--server-side", "--force-conflicts", "-f", dir}
			},
			drifted: kubectlDrifted,
			exitOK:  diffOK,
		})
	}
	return out
}

// gitopsDrift is the check of the gitops-drift binary, named name. It logs at debug level, as
// JSON, for the lines that time its phases: a dozen lines, no measurable cost.
func gitopsDrift(name, binary string) tool {
	return tool{
		name: name,
		command: func(dir, kc string) []string {
			return []string{binary, "--manifests", dir, "--once", "--output", "json", "--kubeconfig", kc, "--log-level", "debug", "--log-format", "json"}
		},
		drifted: gitopsDrifted,
		exitOK:  func(code int) bool { return code == 0 },
		phases:  readPhases,
	}
}

// toolRun is one timed run of a tool.
type toolRun struct {
	wall    time.Duration
	maxRSS  int64 // peak resident memory of the process, bytes
	drifted []string
	phases  []span // as the tool logged them; none for kubectl
}

// runTool runs t once over dir and checks that it worked.
func runTool(ctx context.Context, t tool, dir, kubeconfig string) (toolRun, error) {
	args := t.command(dir, kubeconfig)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := toolRun{wall: time.Since(start)}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return r, fmt.Errorf("%s: %w", t.name, err)
	}
	if code := cmd.ProcessState.ExitCode(); !t.exitOK(code) {
		return r, fmt.Errorf("%s: exit code %d: %s", t.name, code, tail(errOut.String()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024
	}
	r.drifted, err = t.drifted(out.Bytes())
	if err != nil {
		return r, fmt.Errorf("%s: %w", t.name, err)
	}
	slices.Sort(r.drifted)
	if t.phases != nil {
		if r.phases, err = t.phases(errOut.Bytes(), start); err != nil {
			return r, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return r, nil
}

// gitopsDrifted reads the drifted and missing resources of a JSON report.
func gitopsDrifted(stdout []byte) ([]string, error) {
	var rep struct {
		Resources []struct {
			Kind, Namespace, Name, Status string
		} `json:"resources"`
	}
	if err := json.Unmarshal(stdout, &rep); err != nil {
		return nil, fmt.Errorf("read the JSON report: %w", err)
	}
	var out []string
	for _, r := range rep.Resources {
		if r.Status != "in-sync" {
			out = append(out, objectKey(r.Kind, r.Namespace, r.Name))
		}
	}
	return out, nil
}

// kubectlDrifted reads the objects of kubectl diff's unified diff: its "+++ MERGED-…/FILE"
// lines, FILE being group.version.kind.namespace.name (the group empty for the core group,
// so "v1.ConfigMap.ns.name"). Corpus names and namespaces have no dots.
func kubectlDrifted(stdout []byte) ([]string, error) {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "+++ ")
		if !ok {
			continue
		}
		path, _, _ := strings.Cut(line, "\t")
		parts := strings.Split(filepath.Base(path), ".")
		if len(parts) < 4 {
			return nil, fmt.Errorf("unexpected file name in kubectl diff's output: %q", path)
		}
		n := len(parts)
		out = append(out, objectKey(parts[n-3], parts[n-2], parts[n-1]))
	}
	return out, sc.Err()
}

// tail returns the end of a command's error output, for an error message.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return s
}
