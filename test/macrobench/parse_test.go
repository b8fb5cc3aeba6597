package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestCorpus(t *testing.T) {
	c := newCorpus(1000, 50, "ns")
	kinds := map[string]int{}
	drifted := map[string]int{}
	for _, obj := range c.objects {
		kinds[obj.GetKind()]++
		if c.drifted[objectKey(obj.GetKind(), obj.GetNamespace(), obj.GetName())] {
			drifted[obj.GetKind()]++
		}
	}
	if diff := cmp.Diff(map[string]int{"Deployment": 600, "Service": 200, "ConfigMap": 200}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"Deployment": 12, "Service": 4, "ConfigMap": 4}, drifted); diff != "" {
		t.Errorf("drifted kinds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ns-0", "ns-1"}, c.namespaces); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
}

// TestApplied checks the annotation against the one `kubectl apply` v1.37.2 wrote for the same
// file.
func TestApplied(t *testing.T) {
	obj := corpusObject(4, "ns")
	got, err := applied(obj)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","data":{"ID":"4","LOG_LEVEL":"info","TTL":"300"},"kind":"ConfigMap","metadata":{"annotations":{"example.com/owner":"team-ns"},"name":"cfg-4","namespace":"ns"}}` + "\n"
	if diff := cmp.Diff(want, got.GetAnnotations()[lastApplied]); diff != "" {
		t.Errorf("last-applied (-want +got):\n%s", diff)
	}
	if _, ok := obj.GetAnnotations()[lastApplied]; ok {
		t.Error("applied changed the corpus object")
	}
}

func TestDrifted(t *testing.T) {
	kubectl := "diff -u -N /tmp/LIVE-1/apps.v1.Deployment.ns-0.app-7 /tmp/MERGED-2/apps.v1.Deployment.ns-0.app-7\n" +
		"--- /tmp/LIVE-1/apps.v1.Deployment.ns-0.app-7\t2026-12-02 17:00:00.000000000 +0000\n" +
		"+++ /tmp/MERGED-2/apps.v1.Deployment.ns-0.app-7\t2026-12-02 17:00:00.000000000 +0000\n" +
		"@@ -1,3 +1,3 @@\n-  image: x\n+  image: y\n" +
		"+++ /tmp/MERGED-2/v1.ConfigMap.ns-1.cfg-9\t2026-12-02 17:00:00.000000000 +0000\n"
	got, err := kubectlDrifted([]byte(kubectl))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Deployment ns-0/app-7", "ConfigMap ns-1/cfg-9"}, got); diff != "" {
		t.Errorf("kubectl (-want +got):\n%s", diff)
	}
	report, _ := json.Marshal(map[string]any{"resources": []map[string]string{
		{"kind": "Service", "namespace": "a", "name": "s", "status": "drifted"},
		{"kind": "Service", "namespace": "a", "name": "t", "status": "in-sync"},
		{"kind": "ConfigMap", "namespace": "a", "name": "c", "status": "missing"},
	}})
	got, err = gitopsDrifted(report)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Service a/s", "ConfigMap a/c"}, got); diff != "" {
		t.Errorf("gitops-drift (-want +got):\n%s", diff)
	}
}

func TestAgree(t *testing.T) {
	if err := agree("x", []string{"a", "b"}, []string{"a", "b"}); err != nil {
		t.Error(err)
	}
	err := agree("x", []string{"a", "b"}, []string{"b", "c"})
	if err == nil || !strings.Contains(err.Error(), "missed a; extra c") {
		t.Errorf("agree = %v, want it to name a missed and c extra", err)
	}
}

func TestBenchLine(t *testing.T) {
	out := "goos: linux\nBenchmarkAuditCycle/100000-2   \t       5\t 812345678 ns/op\t       950.0 heap-MB\t       980.0 peak-RSS-MB\nPASS\n"
	got, err := benchLine(out, "BenchmarkAuditCycle/100000")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]float64{"ns/op": 812345678, "heap-MB": 950, "peak-RSS-MB": 980}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := benchLine(out, "BenchmarkAuditCycle/1000"); err == nil {
		t.Error("found a result for another size")
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 50}, {0.99, 99}, {1, 100}, {0.001, 1}} {
		if got := percentile(ds, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if got := median([]time.Duration{3, 1, 2, 10}); got != 2 {
		t.Errorf("median = %v, want 2 (mean of the middle two)", got)
	}
}

func TestParseTools(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string // tool names, in order
		wantErr string
	}{
		{"default", nil, []string{"gitops-drift --once --output json", "kubectl diff -f DIR", "kubectl diff --server-side -f DIR"}, ""},
		{"gitops-drift alone", []string{"--tools", "gitops-drift"}, []string{"gitops-drift --once --output json"}, ""},
		{"with a baseline", []string{"--tools", "gitops-drift", "--baseline-binary", "/tmp/main/gitops-drift"},
			[]string{"gitops-drift --once --output json", "gitops-drift --once --output json (baseline: gitops-drift)"}, ""},
		{"order is fixed", []string{"--tools", "kubectl-diff-server-side,gitops-drift"},
			[]string{"gitops-drift --once --output json", "kubectl diff --server-side -f DIR"}, ""},
		{"without gitops-drift", []string{"--tools", "kubectl-diff"}, nil, "gitops-drift is required"},
		{"unknown tool", []string{"--tools", "gitops-drift,argocd"}, nil, `unknown tool "argocd"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parse(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parse = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tl := range tools(o, "kubectl") {
				got = append(got, tl.name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadPhases(t *testing.T) {
	started := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	line := func(phase string, startMs, tookMs float64) string {
		start := started.Add(time.Duration(startMs * float64(time.Millisecond)))
		b, _ := json.Marshal(map[string]any{"level": "debug", "msg": "phase done", "phase": phase,
			"startTime": start.Format(time.RFC3339Nano), "durationSeconds": tookMs / 1000})
		return string(b)
	}
	stderr := strings.Join([]string{
		`{"level":"info","msg":"manifest warning","file":"a.yaml"}`,
		line("connect", 20, 5),
		line("list", 60, 10),
		"not JSON",
		line("list", 65, 20),
		line("compile", 55, 30),
	}, "\n")
	got, err := readPhases([]byte(stderr), started)
	if err != nil {
		t.Fatal(err)
	}
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	want := []span{{"connect", ms(20), ms(25)}, {"list", ms(60), ms(85)}, {"compile", ms(55), ms(85)}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(span{})); diff != "" {
		t.Errorf("phases (-want +got):\n%s", diff)
	}
	if _, err := readPhases([]byte(`{"msg":"phase done","phase":"x"}`), started); err == nil {
		t.Error("a phase line without its times read without error")
	}

	runs := []toolRun{
		{wall: ms(100), phases: []span{{"connect", ms(20), ms(30)}, {"list", ms(40), ms(90)}}},
		{wall: ms(120), phases: []span{{"connect", ms(30), ms(40)}, {"list", ms(50), ms(110)}}},
		{wall: ms(500)}, // kubectl: no phases, not counted
	}
	rows := phaseRows(runs[:2])
	wantRows := []phaseRow{
		{phase: "process start", end: ms(25), runs: 2},
		{phase: "connect", start: ms(25), end: ms(35), runs: 2},
		{phase: "list", start: ms(45), end: ms(100), runs: 2},
		{phase: "exit", start: ms(100), end: ms(110), runs: 2},
	}
	if diff := cmp.Diff(wantRows, rows, cmp.AllowUnexported(phaseRow{})); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if rows := phaseRows(runs[2:]); rows != nil {
		t.Errorf("rows of runs without phases = %v, want none", rows)
	}
}
