package auditor

import (
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/policyreport"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// TestReportsHandover checks that the writer takes the latest audit's reports once, and that
// a signal left over after they were taken never reads as "no report at all", which would
// empty every report.
func TestReportsHandover(t *testing.T) {
	p := &policyReports{builder: policyreport.NewBuilder(policyreport.Options{}), wake: make(chan struct{}, 1)}
	audit := func(ns ...string) report.Report {
		var res []report.Resource
		for _, n := range ns {
			res = append(res, report.Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: n, Name: "cm", Status: report.StatusInSync})
		}
		return report.New("rev", res)
	}
	p.audited(audit("a"), time.Unix(1, 0), nil)
	p.audited(audit("a", "b"), time.Unix(2, 0), nil)
	if len(p.wake) != 1 {
		t.Fatalf("%d signals, want 1", len(p.wake))
	}
	<-p.wake
	p.audited(audit("c"), time.Unix(3, 0), nil) // signals again while the writer has not taken yet
	got, ok := p.take()
	if !ok || len(got) != 1 || got[0].Metadata.Namespace != "c" {
		t.Fatalf("take() = %v, %v; want the latest audit's one report, of c", got, ok)
	}
	<-p.wake // the leftover signal
	if got, ok := p.take(); ok {
		t.Errorf("take() after the reports were taken = %v, true; want false", got)
	}
	p.audited(audit(), time.Unix(4, 0), nil) // an audit of nothing: every report is to be emptied
	if got, ok := p.take(); !ok || len(got) != 0 {
		t.Errorf("take() after an empty audit = %v, %v; want no reports, true", got, ok)
	}
}
