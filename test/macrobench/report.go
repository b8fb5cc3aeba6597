package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// writeReport writes the results as Markdown sections.
func writeReport(w io.Writer, o *options, res *results) error {
	var b strings.Builder
	writeComparisons(&b, o, res.comparisons)
	writeFootprints(&b, o, res.footprints)
	writeAudits(&b, o, res.audits)
	if res.admission != nil {
		writeAdmission(&b, res.admission)
	}
	fmt.Fprintf(&b, "The macro benchmark took %s.\n", res.took.Round(time.Second))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeComparisons(b *strings.Builder, o *options, cs []comparison) {
	if len(cs) == 0 {
		return
	}
	b.WriteString("## Against kubectl diff, on a real API server\n\n")
	fmt.Fprintf(b, "N tracked objects (60%% Deployments, 20%% Services, 20%% ConfigMaps, %d to a namespace, one file each),\n", perNamespace)
	b.WriteString("created as `kubectl apply` creates them; one in " + fmt.Sprint(o.driftEvery) + " then edited by another field manager\n")
	b.WriteString("(an image, a Service selector, a ConfigMap value). Each tool reads the same directory; one untimed\n")
	b.WriteString("round, then rounds in rotating order. Every run of every tool found exactly the drifted objects.\n\n")
	b.WriteString("| N | drifted | command | rounds | median | min | max | peak RSS | time / gitops-drift's |\n")
	b.WriteString("|---:|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range cs {
		base := median(walls(c.runs[0]))
		for i, t := range c.tools {
			ws := walls(c.runs[i])
			fmt.Fprintf(b, "| %d | %d | `%s` | %d | %s | %s | %s | %s | %.1fx |\n",
				c.n, c.drifted, t.name, len(ws), secs(median(ws)), secs(minOf(ws)), secs(maxOf(ws)),
				mb(medianRSS(c.runs[i])), float64(median(ws))/float64(base))
		}
	}
	b.WriteString("\n")
	if slices.ContainsFunc(cs[0].tools, func(t tool) bool { return strings.Contains(t.name, "--server-side") }) {
		b.WriteString("kubectl diff --server-side runs with --force-conflicts: the drifted fields belong to another field manager.\n\n")
	}
	for _, c := range cs {
		writePhases(b, c)
	}
}

// writePhases writes where gitops-drift's time went in the runs of c, from its phase lines.
func writePhases(b *strings.Builder, c comparison) {
	rows := phaseRows(c.runs[0])
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "### Where `%s`'s time goes, N = %d\n\n", c.tools[0].name, c.n)
	b.WriteString("From its `phase done` debug lines (pkg/timing): the median start and end of each phase, as times since the\n")
	b.WriteString("process was started, over the timed runs. Phases overlap: the LISTs (one line per kind and namespace, shown\n")
	b.WriteString("from the first start to the last end) run while the manifests are read and compiled.\n\n")
	b.WriteString("| phase | from | to | took |\n")
	b.WriteString("|---|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", r.phase, ms1(r.start), ms1(r.end), ms1(r.end-r.start))
	}
	b.WriteString("\n")
}

func writeAudits(b *strings.Builder, o *options, as []auditResult) {
	if len(as) == 0 {
		return
	}
	b.WriteString("## The auditor's full audit\n\n")
	fmt.Fprintf(b, "A full audit (read every tracked object from the informers, diff, log, gauges) after the first,\n")
	fmt.Fprintf(b, "which waits for the informers' lists. Real API server: `gitops-drift serve --no-webhook --audit-interval %s`\n", o.auditInterval)
	b.WriteString("over the corpus above, durations from its `audit done` log lines, peak RSS its VmHWM. From memory:\n")
	b.WriteString("auditor's BenchmarkAuditCycle (no API server: controller-runtime informers list an in-memory list), time per\n")
	b.WriteString("audit; peak RSS is the process's VmHWM over the audits (reset after setup), setup RSS the peak while\n")
	b.WriteString("compiling the manifests and filling the informers, heap the live heap the setup added, after the sync\n")
	b.WriteString("and the informers' first watches ended, test binary the resident pages of the benchmark's own binary (a test\n")
	b.WriteString("binary: larger than gitops-drift's, whose pages are in \"A webhook-only replica's memory\"), counted in both peaks.\n\n")
	b.WriteString("| N | live state | first audit | audit from cache | peak RSS | setup RSS | heap | test binary |\n")
	b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|\n")
	for _, a := range as {
		first, setup, heap, binary := "", "", "", ""
		if a.first > 0 {
			first = secs(a.first)
		}
		if a.setupRSS > 0 {
			setup = mb(a.setupRSS)
		}
		if a.heapMB > 0 {
			heap = fmt.Sprintf("%.0f MB", a.heapMB)
		}
		if a.binaryRSS > 0 {
			binary = mb(a.binaryRSS)
		}
		fmt.Fprintf(b, "| %d | %s | %s | %s (%s) | %s | %s | %s | %s |\n",
			a.n, a.source, first, secs(median(a.fromCache)), auditCount(o, a), mb(a.peakRSS), setup, heap, binary)
	}
	b.WriteString("\n")
}

// auditCount says what the audit time summarises: the benchmark's mean, or the median of
// serve's audits.
func auditCount(o *options, a auditResult) string {
	if a.first == 0 {
		return fmt.Sprintf("mean of %d", o.audits)
	}
	return fmt.Sprintf("median of %d", len(a.fromCache))
}

func writeAdmission(b *strings.Builder, a *admissionResult) {
	b.WriteString("## Sustained admission load\n\n")
	kind := "PATCH requests"
	if a.dryRun {
		kind = "dry-run PATCH requests (admitted as any other, not written to etcd)"
	}
	fmt.Fprintf(b, "%d %s a second for %s (open loop, at most %d waiting; after a warm-up of the same load\n", a.rate, kind, a.duration, maxInFlight)
	fmt.Fprintf(b, "unmeasured), in turn on %d tracked Deployments, half changing a label (judged, no drift) and half an\n", a.deployments)
	b.WriteString("image (drift: a warning), through the API server over loopback; first without the webhook, then with\n")
	b.WriteString("`gitops-drift serve --no-audit` registered by URL (manifests/webhook.yaml, TLS). Latency is the client's,\n")
	b.WriteString("request to answer; added is with minus without.\n\n")
	b.WriteString("| run | requests | errors | not sent | warnings | p50 | p99 | max | achieved rate |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range []struct {
		name string
		res  loadResult
	}{{"without webhook", a.without}, {"with webhook", a.with}} {
		l := r.res.latencies
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d | %s | %s | %s | %.0f/s |\n", r.name, len(l)+r.res.errors, r.res.errors, r.res.shed,
			r.res.warnings, ms(percentile(l, 0.5)), ms(percentile(l, 0.99)), ms(percentile(l, 1)), float64(len(l)+r.res.errors)/r.res.elapsed.Seconds())
	}
	w, h := a.without.latencies, a.with.latencies
	fmt.Fprintf(b, "| **added by the webhook** | | | | | **%s** | **%s** | %s | |\n\n",
		signedMs(percentile(h, 0.5)-percentile(w, 0.5)), signedMs(percentile(h, 0.99)-percentile(w, 0.99)), signedMs(percentile(h, 1)-percentile(w, 1)))
	for _, r := range []loadResult{a.without, a.with} {
		if r.shed > 0 || float64(len(r.latencies)+r.errors) < 0.95*float64(a.rate)*a.duration.Seconds() {
			b.WriteString("**The API server did not keep up with the rate** (requests not sent, or fewer answered): the\n")
			b.WriteString("latencies above include queueing at the client, and the difference is not the webhook's alone.\n\n")
			break
		}
	}
	fmt.Fprintf(b, "The webhook process over the run with it: %.2f CPU cores on average (%s of CPU in %s), at most %s resident.\n\n",
		a.cpu.Seconds()/a.with.elapsed.Seconds(), a.cpu.Round(10*time.Millisecond), a.with.elapsed.Round(100*time.Millisecond), mb(a.maxRSS))
}

func secs(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

// ms1 is a duration in milliseconds with one decimal.
func ms1(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func signedMs(d time.Duration) string {
	return fmt.Sprintf("%+.2f ms", float64(d)/float64(time.Millisecond))
}

func mb(bytes int64) string {
	if bytes <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f MB", float64(bytes)/1e6)
}

func minOf(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = min(m, d)
	}
	return m
}

func maxOf(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds {
		m = max(m, d)
	}
	return m
}
