// Command macrobench is the macro benchmark of `make bench` (hack/bench.sh), on real
// kube-apiservers started from the binaries `make kube-bins` builds (test/kubeenv), one per
// phase:
//
//  1. for each N of --sizes, N tracked objects (60% Deployments, 20% Services, 20%
//     ConfigMaps, created as `kubectl apply` creates them, one in --drift-every then edited by
//     hand), and `gitops-drift --once --output json`, `kubectl diff -f DIR` and
//     `kubectl diff --server-side -f DIR` timed over them in alternating rounds; all three must
//     find exactly the drifted objects;
//     at each N of --footprint-sizes, the memory of `gitops-drift serve --no-audit` (a
//     webhook-only replica) over that corpus and over nothing;
//  2. at each N of --audit-sizes, `gitops-drift serve --no-webhook` auditing that corpus, and at
//     each N of --memory-audit-sizes auditor's BenchmarkAuditCycle, whose informers list from
//     memory;
//  3. `gitops-drift serve --no-audit` registered as the validating webhook, under --rate
//     requests a second for --duration, and the same load without it.
//
// It writes the results as Markdown to --out, with, for each N, where gitops-drift's time went
// (its `phase done` debug lines, pkg/timing). The smoke test (go test ./test/macrobench) runs it
// at N = 50 in seconds.
//
// To work on gitops-drift alone: --tools gitops-drift times it without kubectl diff,
// --baseline-binary times another build (main's, say) in the same alternating rounds, and
// --hold keeps the API server and the corpus up afterwards for runs by hand.
//
//	go run ./test/macrobench --binary bin/gitops-drift --out /tmp/macro.md
//	go run ./test/macrobench --binary bin/gitops-drift --baseline-binary /tmp/gitops-drift-main \
//	  --tools gitops-drift --sizes 1000 --reps 12 --audit-sizes 0 --memory-audit-sizes 0 --rate 0
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/pflag"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

func main() {
	ctrllog.SetLogger(logr.Discard()) // envtest's progress lines are not results
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "macrobench:", err)
		os.Exit(1)
	}
}

// options are macrobench's flags.
type options struct {
	binary          string
	repo            string
	out             string
	sizes           []int
	reps            []int
	driftEvery      int
	auditSizes      []int
	memorySizes     []int
	memoryLimit     string
	audits          int
	auditInterval   time.Duration
	rate            int
	duration        time.Duration
	warmup          time.Duration
	loadDeployments int
	dryRunLoad      bool
	tools           []string
	baseline        string
	hold            bool
	footprintSizes  []int
	footprintLimit  string
	footprintSettle time.Duration
}

func parse(args []string) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet("macrobench", pflag.ContinueOnError)
	fs.StringVar(&o.binary, "binary", "bin/gitops-drift", "the gitops-drift binary")
	fs.StringVar(&o.repo, "repo", ".", "the repository's root (for manifests/webhook.yaml and ./auditor)")
	fs.StringVar(&o.out, "out", "", "file to write the Markdown results to (default: stdout)")
	fs.IntSliceVar(&o.sizes, "sizes", []int{1000, 10000}, "numbers of tracked objects compared with kubectl diff; 0 for none")
	fs.IntSliceVar(&o.reps, "reps", []int{5, 2}, "timed rounds at each of --sizes (the last one repeats)")
	fs.StringSliceVar(&o.tools, "tools", toolNames, "the tools compared at each of --sizes, gitops-drift among them (only gitops-drift: iterate on it alone)")
	fs.StringVar(&o.baseline, "baseline-binary", "", "another gitops-drift binary (one built from main, say) timed in the same rounds, right after --binary; its last column is then the speed-up")
	fs.BoolVar(&o.hold, "hold", false, "after the rounds at the first of --sizes, print the API server's kubeconfig and the corpus' directory and keep them until interrupted; nothing else runs")
	fs.IntVar(&o.driftEvery, "drift-every", 50, "one object in this many drifts (a multiple of 5, so every kind drifts)")
	fs.IntSliceVar(&o.footprintSizes, "footprint-sizes", []int{10000}, "sizes at which a webhook-only replica's memory is measured (at a size not among --sizes, over a corpus written but not created: the replica reads no live object); 0 for none")
	fs.StringVar(&o.footprintLimit, "footprint-gomemlimit", "460MiB", "GOMEMLIMIT of a second webhook-only replica, as the install sets it (manifests/deployment.yaml); empty for none")
	fs.DurationVar(&o.footprintSettle, "footprint-settle", 30*time.Second, "how long a webhook-only replica runs after it is ready before its RSS is read")
	fs.IntSliceVar(&o.auditSizes, "audit-sizes", []int{10000}, "sizes (among --sizes) at which serve audits the real API server; 0 for none")
	fs.IntSliceVar(&o.memorySizes, "memory-audit-sizes", []int{10000, 100000}, "sizes at which auditor's BenchmarkAuditCycle runs, informers fed from memory; 0 for none")
	fs.StringVar(&o.memoryLimit, "memory-audit-gomemlimit", "1500MiB", "GOMEMLIMIT of a second in-memory audit run at the largest of --memory-audit-sizes; empty for none")
	fs.IntVar(&o.audits, "audits", 5, "full audits timed after the first")
	fs.DurationVar(&o.auditInterval, "audit-interval", 3*time.Second, "serve's --audit-interval in the real-server audit")
	fs.IntVar(&o.rate, "rate", 1000, "admission requests a second; 0 skips the admission run")
	fs.DurationVar(&o.duration, "duration", time.Minute, "length of each measured admission run")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "load sent, and not measured, before each admission run")
	fs.BoolVar(&o.dryRunLoad, "load-dry-run", true, "send the admission load as dry-run requests: admitted (the webhook judges them), never written to etcd")
	fs.IntVar(&o.loadDeployments, "load-deployments", 100, "tracked Deployments the admission load patches in turn")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.sizes, o.auditSizes, o.memorySizes = positive(o.sizes), positive(o.auditSizes), positive(o.memorySizes)
	o.footprintSizes = positive(o.footprintSizes)
	if len(o.reps) == 0 || o.driftEvery < 5 || o.driftEvery%5 != 0 || o.audits < 1 {
		return nil, fmt.Errorf("--reps needs a value, --drift-every a multiple of 5, --audits at least 1")
	}
	if err := checkTools(o.tools); err != nil {
		return nil, err
	}
	return o, nil
}

// results is everything one run measured.
type results struct {
	comparisons []comparison
	footprints  []footprintResult
	audits      []auditResult
	admission   *admissionResult
	started     time.Time
	took        time.Duration
}

func run(ctx context.Context, args []string, progress io.Writer) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	res, err := measure(ctx, o, progress)
	if err != nil {
		return err
	}
	out := io.Writer(os.Stdout)
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			return fmt.Errorf("create %s: %w", o.out, err)
		}
		if err := writeReport(f, o, res); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
	return writeReport(out, o, res)
}

// positive returns the values of ns above 0.
func positive(ns []int) []int {
	var out []int
	for _, n := range ns {
		if n > 0 {
			out = append(out, n)
		}
	}
	return out
}
