package main

import (
	"os"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/gitops-drift/gitops-drift/test/servetest"
)

// TestSmoke runs the whole macro benchmark at N = 50, one round, and a second of admission
// load, so that `make test` keeps it working. It asserts what must hold whatever the machine:
// the three tools agree on the drifted objects (measure fails otherwise), every phase reports,
// and the webhook answered the load without errors. It asserts no timing.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a real API server; skipped under -short")
	}
	ctrllog.SetLogger(logr.Discard())
	binary := servetest.Build(t)
	o, err := parse([]string{
		"--binary", binary, "--repo", "../..",
		"--sizes", "50", "--reps", "1", "--drift-every", "10",
		"--audit-sizes", "50", "--memory-audit-sizes", "0", "--audits", "1", "--audit-interval", "1s",
		"--footprint-sizes", "50", "--footprint-settle", "1s",
		"--rate", "20", "--duration", "1s", "--warmup", "0s", "--load-deployments", "4",
	})
	if err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	res, err := measure(t.Context(), o, &progress)
	if err != nil {
		t.Fatalf("measure: %v\nprogress:\n%s", err, progress.String())
	}
	if len(res.comparisons) != 1 || res.comparisons[0].drifted != 5 {
		t.Fatalf("comparisons = %+v, want one over 5 drifted objects", res.comparisons)
	}
	for i, runs := range res.comparisons[0].runs {
		if len(runs) != 1 {
			t.Errorf("%s: %d timed runs, want 1", res.comparisons[0].tools[i].name, len(runs))
		}
	}
	if len(res.audits) != 1 || len(res.audits[0].fromCache) != 1 || res.audits[0].peakRSS <= 0 {
		t.Errorf("audits = %+v, want one real-server audit after the first, with its peak RSS", res.audits)
	}
	a := res.admission
	if a == nil || a.without.errors != 0 || a.with.errors != 0 || len(a.with.latencies) == 0 {
		t.Fatalf("admission = %+v, want both runs answered without errors", a)
	}
	if a.without.warnings != 0 || a.with.warnings == 0 {
		t.Errorf("warnings without the webhook %d, with %d: want none, then some (image patches drift)", a.without.warnings, a.with.warnings)
	}
	var report strings.Builder
	if err := writeReport(&report, o, res); err != nil {
		t.Fatal(err)
	}
	if len(res.footprints) != 4 || res.footprints[0].n != 0 || res.footprints[1].n != 50 {
		t.Errorf("footprints = %+v, want an empty and a 50-object replica, without and with GOMEMLIMIT", res.footprints)
	}
	for _, f := range res.footprints {
		if f.loaded.peakRSS <= 0 || f.settled.rssFile <= 0 || f.settled.rssAnon <= 0 {
			t.Errorf("footprint %+v: want its peak, file and anonymous memory", f)
		}
	}
	for _, section := range []string{"## Against kubectl diff", "## A webhook-only replica's memory", "## The auditor's full audit", "## Sustained admission load"} {
		if !strings.Contains(report.String(), section) {
			t.Errorf("report lacks %q:\n%s", section, report.String())
		}
	}
	if testing.Verbose() {
		_, _ = os.Stdout.WriteString(report.String())
	}
}
