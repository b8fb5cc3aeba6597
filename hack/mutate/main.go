// Command mutate is 'make mutate': mutation testing of gitops-drift's pure packages with
// gremlins (pinned by hack/tools/go.mod). Each target of the targets file (a package, or some
// of its files) is mutated, and for each mutant its package's tests run with -short, so no
// API server starts; the result of each target is written as JSON to the results directory,
// and TESTING.md's results table and survivors list are rebuilt from every result there.
//
// A survivor (a mutant that passed every test, or whose line no test ran) must be killed by a
// new test or accounted for in the survivors file with the reason it cannot be (an equivalent
// mutant): mutate exits 1 while one is not. Run it from the module root:
//
//	go run ./hack/mutate [flags] [package dir ...]
//
// With no package dir, every target runs; -render only rebuilds TESTING.md from the results.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Options are mutate's flags.
type Options struct {
	// Targets is the targets file. Defaults to hack/mutate/targets.
	Targets string
	// Results is the directory of the results. Defaults to hack/mutate/results.
	Results string
	// Survivors is the file of accounted survivors. Defaults to hack/mutate/survivors.tsv.
	Survivors string
	// Doc is the document whose tables are rebuilt. Defaults to TESTING.md.
	Doc string
	// Workers is how many mutants are tested at once. Defaults to 2.
	Workers int
	// TimeoutCoefficient times the duration of the unmutated tests is how long a mutant's tests
	// may run before it counts as killed (timed out). Defaults to 10.
	TimeoutCoefficient int
	// Render rebuilds Doc from the results without running anything. Defaults to false.
	Render bool
	// Uncovered tests the NOT COVERED mutants of the existing results (testUncovered) instead
	// of running gremlins. Defaults to false.
	Uncovered bool
	// Lived makes Uncovered test the mutants that lived too, against the tests as they are
	// now. Defaults to false.
	Lived bool
}

func (o *Options) bindFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.Targets, "targets", "hack/mutate/targets", "targets file")
	fs.StringVar(&o.Results, "results", "hack/mutate/results", "directory of the results")
	fs.StringVar(&o.Survivors, "survivors", "hack/mutate/survivors.tsv", "file of the survivors accounted for")
	fs.StringVar(&o.Doc, "doc", "TESTING.md", "document whose results table and survivors list are rebuilt")
	fs.IntVar(&o.Workers, "workers", 2, "mutants tested at once")
	fs.IntVar(&o.TimeoutCoefficient, "timeout-coefficient", 10, "a mutant's tests time out after this many times the unmutated tests' duration")
	fs.BoolVar(&o.Render, "render", false, "only rebuild the document from the results")
	fs.BoolVar(&o.Lived, "lived", false, "with -uncovered, test the mutants that lived again too: after new tests, without running gremlins again")
	fs.BoolVar(&o.Uncovered, "uncovered", false, "do not run gremlins: test the not-covered mutants of the results already there (see testUncovered), then rebuild the document")
}

// mutatorFlags are gremlins' flags of the mutations applied: all of them but
// INVERT_NEGATIVES, whose only replacement (- by +) ARITHMETIC_BASE makes too, at the same
// places, so that every such mutant would count twice.
func mutatorFlags() []string {
	return []string{
		"--invert-logical", "--invert-loopctrl", "--invert-assignments", "--remove-self-assignments",
		"--invert-bitwise", "--invert-bwassign", "--invert-negatives=false",
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var o Options
	fs := flag.NewFlagSet("mutate", flag.ExitOnError)
	o.bindFlags(fs)
	_ = fs.Parse(os.Args[1:]) // ExitOnError
	code, err := run(ctx, o, fs.Args(), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutate:", err)
	}
	os.Exit(code)
}

// run mutates the targets named in dirs (all when empty) unless o.Render, then rebuilds the
// document. It returns 1 when a survivor is not accounted for, 2 on an error.
func run(ctx context.Context, o Options, dirs []string, out io.Writer) (int, error) {
	started := time.Now()
	var failed []error
	f, err := os.Open(o.Targets)
	if err != nil {
		return 2, err
	}
	targets, err := parseTargets(f)
	f.Close()
	if err != nil {
		return 2, fmt.Errorf("%s: %w", o.Targets, err)
	}
	for _, d := range dirs {
		d = filepath.ToSlash(filepath.Clean(d))
		if !slices.ContainsFunc(targets, func(t Target) bool { return t.Dir == d }) {
			return 2, fmt.Errorf("%s is not a target of %s", d, o.Targets)
		}
	}
	if !o.Render {
		tool, err := toolVersion("hack/tools/go.mod")
		if err != nil {
			return 2, err
		}
		for _, t := range targets {
			if len(dirs) > 0 && !slices.Contains(dirs, t.Dir) {
				continue
			}
			if ctx.Err() != nil {
				break
			}
			// A target that fails (its tests fail unmutated, say) is reported at the end;
			// the others still run: mutate is meant to run unattended.
			run := mutate
			if o.Uncovered {
				run = recheck
			}
			if err := run(ctx, o, t, tool, out); err != nil {
				failed = append(failed, err)
				fmt.Fprintf(out, "mutate: %v\n", err)
			}
		}
	}
	code, err := renderDoc(o, targets, out)
	fmt.Fprintf(out, "mutate: done in %s\n", time.Since(started).Round(time.Second))
	switch {
	case ctx.Err() != nil:
		return 2, ctx.Err()
	case len(failed) > 0:
		return 2, errors.Join(fmt.Errorf("%d target(s) failed (see above)", len(failed)), err)
	}
	return code, err
}

// mutate runs gremlins on one target and writes its result.
func mutate(ctx context.Context, o Options, t Target, tool string, out io.Writer) error {
	srcs, err := sources(t.Dir)
	if err != nil {
		return err
	}
	files, excluded, err := t.split(srcs)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "mutate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	output := filepath.Join(tmp, "gremlins.json")
	args := []string{"tool", "-modfile=hack/tools/go.mod", "gremlins", "unleash",
		"--workers", fmt.Sprint(o.Workers), "--timeout-coefficient", fmt.Sprint(o.TimeoutCoefficient), "--output", output}
	args = append(append(append(args, mutatorFlags()...), excludeFlags(excluded)...), "./"+t.Dir)
	cmd := exec.CommandContext(ctx, "go", args...)
	// -short: no API server; -count=1: the unmutated run that sets the time limit really
	// runs the tests rather than reading a cached result.
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -short -count=1 -buildvcs=false"))
	cmd.Stdout, cmd.Stderr = out, os.Stderr
	// On an interrupt, gremlins and the go test it runs get SIGINT as a group: gremlins then
	// stops its workers and removes its copies of the module.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = time.Minute
	fmt.Fprintf(out, "mutate: %s (%s): go %s\n", t.Dir, strings.Join(files, " "), strings.Join(args, " "))
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: gremlins: %w", t.Dir, err)
	}
	elapsed := time.Since(start)
	data, err := os.ReadFile(output)
	if err != nil {
		return fmt.Errorf("%s: gremlins wrote no result: %w", t.Dir, err)
	}
	mutants, err := readGremlins(data, t.Dir, files)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Dir, err)
	}
	if err := markNotViable(ctx, t.Dir, mutants); err != nil {
		return fmt.Errorf("%s: %w", t.Dir, err)
	}
	if err := testUncovered(ctx, t.Dir, mutants, false, uncoveredTimeout(elapsed, len(mutants), o), out); err != nil {
		return fmt.Errorf("%s: %w", t.Dir, err)
	}
	r := Result{Package: t.Dir, Files: files, Tool: tool, Commit: commit(ctx, t.Dir), Date: time.Now().UTC().Format(time.RFC3339),
		Seconds: int(elapsed.Round(time.Second).Seconds()), Mutants: mutants}
	if err := os.MkdirAll(o.Results, 0o755); err != nil {
		return err
	}
	c := count(mutants)
	fmt.Fprintf(out, "mutate: %s: %d mutants, %d killed, %d survived, kill rate %.1f%%, %s\n",
		t.Dir, c.Mutants, c.Killed, c.Survived, c.Rate(), elapsed.Round(time.Second))
	return writeResult(filepath.Join(o.Results, t.Name()+".json"), r)
}

// recheck tests the not-covered mutants of t's result (testUncovered), and with o.Lived the
// ones that lived, and writes it again with the commit of the tests it ran.
func recheck(ctx context.Context, o Options, t Target, _ string, out io.Writer) error {
	file := filepath.Join(o.Results, t.Name()+".json")
	r, err := readResult(file)
	if os.IsNotExist(err) {
		return nil // not measured: nothing to test again
	}
	if err != nil {
		return err
	}
	if err := testUncovered(ctx, t.Dir, r.Mutants, o.Lived, uncoveredTimeout(time.Duration(r.Seconds)*time.Second, len(r.Mutants), o), out); err != nil {
		return fmt.Errorf("%s: %w", t.Dir, err)
	}
	r.Commit, r.Date = commit(ctx, t.Dir), time.Now().UTC().Format(time.RFC3339)
	return writeResult(file, r)
}

// uncoveredTimeout is how long the tests of one not-covered mutant may run: the timeout
// coefficient times a mutant's share of the whole run, at least a minute (a share includes
// no build; the tests of a not-covered mutant do).
func uncoveredTimeout(run time.Duration, mutants int, o Options) time.Duration {
	share := run / time.Duration(max(mutants, 1)) * time.Duration(o.Workers)
	return max(share*time.Duration(o.TimeoutCoefficient), time.Minute)
}

// renderDoc rebuilds the document from every result of the targets and reports the
// survivors not accounted for (exit code 1) and the accounted entries that no longer match.
func renderDoc(o Options, targets []Target, out io.Writer) (int, error) {
	results := map[string]Result{}
	for _, t := range targets {
		r, err := readResult(filepath.Join(o.Results, t.Name()+".json"))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return 2, err
		}
		results[t.Dir] = r
	}
	f, err := os.Open(o.Survivors)
	if err != nil {
		return 2, err
	}
	accounted, err := parseAccounted(f)
	f.Close()
	if err != nil {
		return 2, fmt.Errorf("%s: %w", o.Survivors, err)
	}
	rep := render(targets, results, accounted)
	doc, err := os.ReadFile(o.Doc)
	if err != nil {
		return 2, err
	}
	updated, err := splice(string(doc), rep)
	if err != nil {
		return 2, fmt.Errorf("%s: %w", o.Doc, err)
	}
	if err := os.WriteFile(o.Doc, []byte(updated), 0o644); err != nil {
		return 2, err
	}
	fmt.Fprintf(out, "mutate: measured targets together: %d mutants, %d killed, %d survived, kill rate %.1f%%; %s rewritten\n",
		rep.Total.Mutants, rep.Total.Killed, rep.Total.Survived, rep.Total.Rate(), o.Doc)
	for _, a := range rep.Stale {
		fmt.Fprintf(out, "mutate: %s: entry matches no survivor (killed now, or its line changed): %s %s col %d %q\n",
			o.Survivors, a.File, a.Type, a.Column, a.Source)
	}
	if len(rep.Unaccounted) == 0 {
		return 0, nil
	}
	for _, m := range rep.Unaccounted {
		fmt.Fprintf(out, "mutate: not accounted for: %s %s (%s): %s\n", m.Where(), m.Type, strings.ToLower(m.Status), m.Source)
	}
	return 1, fmt.Errorf("%d survivor(s) not accounted for: kill them with a test, or add them to %s with the reason they survive", len(rep.Unaccounted), o.Survivors)
}

// toolVersion returns "gremlins vX.Y.Z" as the tools module pins it.
func toolVersion(gomod string) (string, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "github.com/go-gremlins/gremlins" {
			return "gremlins " + f[1], nil
		}
	}
	return "", fmt.Errorf("%s does not require github.com/go-gremlins/gremlins", gomod)
}

// commit returns the abbreviated HEAD commit, with "-dirty" when dir has changes not
// committed; "unknown" outside a Git checkout.
func commit(ctx context.Context, dir string) string {
	head, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(head))
	if status, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--", dir).Output(); err == nil && len(status) > 0 {
		c += "-dirty"
	}
	return c
}
