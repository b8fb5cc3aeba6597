package auditor

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/metrics"
	"github.com/gitops-drift/gitops-drift/pkg/report"
	"github.com/gitops-drift/gitops-drift/test/capture"
)

// step is one check of ConfigMap app/cfg in a sequence: what was found and done, and the
// Events and log lines it should give.
type step struct {
	trigger    string
	status     report.Status
	live       string // the live value of data.a, for a drifted resource
	action     report.Action
	err        string
	wantEvents []string // reasons
	wantLog    string   // message of the line logged, "" for none
}

func drifted(live string, action report.Action, events ...string) step {
	return step{trigger: triggerAudit, status: report.StatusDrifted, live: live, action: action, wantEvents: events, wantLog: msgDrift}
}

func inSync() step {
	return step{trigger: triggerAudit, status: report.StatusInSync}
}

func watched(s step) step {
	s.trigger = triggerWatch
	return s
}

func TestNoteDeduplicates(t *testing.T) {
	const (
		detected   = ReasonDriftDetected
		remediated = ReasonDriftRemediated
		blocked    = ReasonRemediationBlocked
		failed     = ReasonRemediationFailed
	)
	resolved := inSync()
	resolved.wantLog = msgResolved
	tests := []struct {
		name  string
		steps []step
	}{
		{"unchanged drift is reported once", []step{
			drifted("2", report.ActionDryRun, detected),
			drifted("2", report.ActionDryRun),
			drifted("3", report.ActionDryRun, detected),
			resolved,
			inSync(),
			drifted("2", report.ActionDryRun, detected),
		}},
		{"a watch event logs only a change", []step{
			drifted("2", report.ActionDryRun, detected),
			watched(step{status: report.StatusDrifted, live: "2", action: report.ActionDryRun}),
			watched(drifted("3", report.ActionDryRun, detected)),
			watched(resolved),
		}},
		{"each remediation is reported; the same drift back after it is not announced again", []step{
			drifted("2", report.ActionRemediated, detected, remediated),
			drifted("2", report.ActionRemediated, remediated),
			drifted("3", report.ActionRemediated, detected, remediated),
			inSync(),
		}},
		{"blocked drift is reported once", []step{
			drifted("2", report.ActionBlocked, detected, blocked),
			drifted("2", report.ActionBlocked),
			drifted("3", report.ActionBlocked, detected, blocked),
		}},
		{"failure is reported once per drift", []step{
			drifted("2", report.ActionRemediationFailed, detected, failed),
			drifted("2", report.ActionRemediationFailed),
			drifted("2", report.ActionDetected), // remediation paused
			drifted("2", report.ActionRemediationFailed, failed),
		}},
		{"missing, then created", []step{
			{trigger: triggerAudit, status: report.StatusMissing, action: report.ActionCreated, wantEvents: []string{detected, remediated}, wantLog: msgDrift},
		}},
		{"errors are logged, without Events", []step{
			{trigger: triggerAudit, status: report.StatusError, err: "forbidden", wantLog: msgDrift},
			{trigger: triggerAudit, status: report.StatusError, err: "forbidden", wantLog: msgDrift},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			var logs capture.JSONLog
			a := New(nil, nil, Options{Recorder: rec, Log: logs.Logger(t)})
			var prev record
			for i, s := range tt.steps {
				res := resource("v1", "ConfigMap", s)
				before := len(logs.Lines())
				prev = a.note(run{id: "id", trigger: s.trigger, revision: "abc"}, &res, prev)
				var got []string
				for _, e := range rec.take() {
					got = append(got, e.Reason)
				}
				if diff := cmp.Diff(s.wantEvents, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("step %d: Events (-want +got):\n%s", i, diff)
				}
				var msg string
				if len(logs.Lines()) > before {
					msg = logs.Lines()[len(logs.Lines())-1]["msg"].(string)
				}
				if msg != s.wantLog {
					t.Errorf("step %d: logged %q, want %q", i, msg, s.wantLog)
				}
			}
		})
	}
}

func resource(apiVersion, kind string, s step) report.Resource {
	res := report.Resource{APIVersion: apiVersion, Kind: kind, Namespace: "app", Name: "cfg", Status: s.status, Action: s.action, Error: s.err}
	if s.status == report.StatusDrifted {
		res.Fields = []diff.Field{{Path: "data.a", Desired: "1", Live: s.live}}
	}
	if s.action == report.ActionRemediationFailed && res.Error == "" {
		res.Error = `Secret "cfg" is invalid: data.a: s3cr3t`
	}
	return res
}

func TestEventMessages(t *testing.T) {
	secret := resource("v1", "Secret", drifted("<redacted sha256:0a1b2c3d>", report.ActionRemediationFailed))
	cm := resource("v1", "ConfigMap", drifted("2", report.ActionRemediationFailed))
	many := resource("v1", "ConfigMap", drifted("2", report.ActionDryRun))
	many.Fields = nil
	for i := range 100 {
		many.Fields = append(many.Fields, diff.Field{Path: "data.key-number-" + strings.Repeat("x", i%7) + string(rune('a'+i%26)), Desired: "1", Live: "2"})
	}
	rec := &recorder{}
	a := New(nil, nil, Options{Recorder: rec})
	for _, res := range []report.Resource{secret, cm, many} {
		a.note(run{id: "id", trigger: triggerAudit, revision: "abc"}, &res, record{})
	}
	want := []event{
		{Object: "Secret app/cfg", Type: "Warning", Reason: ReasonDriftDetected, Action: "Audit", Note: "1 field(s) drift from Git (revision abc): data.a"},
		{Object: "Secret app/cfg", Type: "Warning", Reason: ReasonRemediationFailed, Action: "Remediate", Note: "could not restore Git's state (revision abc); the gitops-drift log has the reason"},
		{Object: "ConfigMap app/cfg", Type: "Warning", Reason: ReasonDriftDetected, Action: "Audit", Note: "1 field(s) drift from Git (revision abc): data.a"},
		{Object: "ConfigMap app/cfg", Type: "Warning", Reason: ReasonRemediationFailed, Action: "Remediate", Note: `could not restore Git's state (revision abc): Secret "cfg" is invalid: data.a: s3cr3t`},
	}
	got := rec.take()
	if diff := cmp.Diff(want, got[:4]); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	long := got[4].Note
	if len(long) > maxNote || !strings.HasPrefix(long, "100 field(s) drift from Git (revision abc): data.key-number-a, ") || !strings.Contains(long, " more") {
		t.Errorf("note of 100 fields (%d bytes): %s", len(long), long)
	}
}

func TestLogLine(t *testing.T) {
	var logs capture.JSONLog
	a := New(nil, nil, Options{Log: logs.Logger(t)})
	big := strings.Repeat("y", 1000)
	res := report.Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "app", Name: "web", Status: report.StatusDrifted, Action: report.ActionDryRun,
		Fields: []diff.Field{{Path: "spec.replicas", Desired: int64(2), Live: int64(5)}, {Path: "metadata.labels.big", Desired: nil, Live: big}}}
	a.note(run{id: "20260101T000000.000Z-1", trigger: triggerAudit, revision: "abc"}, &res, record{})
	want := []map[string]any{{
		"logger": "", "level": float64(0), "msg": msgDrift,
		"auditID": "20260101T000000.000Z-1", "trigger": "audit", "revision": "abc",
		"resource": "Deployment app/web", "apiVersion": "apps/v1", "kind": "Deployment", "namespace": "app", "name": "web",
		"status": "drifted", "action": "drift-detected (dry-run)",
		"fields": []any{
			map[string]any{"path": "spec.replicas", "desired": float64(2), "live": float64(5)},
			map[string]any{"path": "metadata.labels.big", "desired": nil, "live": `"` + strings.Repeat("y", maxLogValue-4) + "..."},
		},
	}}
	if diff := cmp.Diff(want, logs.Lines()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNoteCountsRemediations(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	a := New(nil, nil, Options{Metrics: m})
	var prev record
	for _, s := range []step{
		drifted("2", report.ActionRemediated),
		drifted("5", report.ActionBlocked),
		drifted("5", report.ActionBlocked), // the same drift: not counted again
		drifted("3", report.ActionRemediationFailed),
		drifted("3", report.ActionRemediationFailed),
		drifted("4", report.ActionResolvedMeanwhile), // nothing written: no remediation
	} {
		res := resource("v1", "ConfigMap", s)
		prev = a.note(run{trigger: triggerAudit}, &res, prev)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "gitops_drift_remediations_total" {
			for _, s := range mf.GetMetric() {
				got[s.GetLabel()[0].GetValue()] = s.GetCounter().GetValue()
			}
		}
	}
	if diff := cmp.Diff(map[string]float64{"remediated": 1, "blocked": 1, "failed": 2}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLedgerCounts(t *testing.T) {
	var st state
	for i, s := range []step{
		drifted("2", report.ActionDryRun), drifted("2", report.ActionRemediated), inSync(),
		{status: report.StatusMissing, action: report.ActionBlocked}, {status: report.StatusError},
		drifted("3", report.ActionResolvedMeanwhile), // gone when read to be repaired: in sync
	} {
		res := resource("v1", "ConfigMap", s)
		res.Name = string(rune('a' + i))
		st.entries = append(st.entries, entry{rec: recordOf(&res, driftHash(&res))})
	}
	want := metrics.Resources{InSync: 3, Drifted: 1, Missing: 1, Error: 1, DriftedFields: 1}
	if diff := cmp.Diff(want, st.counts()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestStateDriftedByScope(t *testing.T) {
	st := &state{}
	for _, r := range []struct {
		namespace, kind, name string
		status                report.Status
	}{
		{"app", "ConfigMap", "a", report.StatusDrifted},
		{"app", "ConfigMap", "b", report.StatusMissing},
		{"app", "ConfigMap", "c", report.StatusDrifted},
		{"app", "Deployment", "d", report.StatusInSync},
		{"", "ClusterRole", "e", report.StatusError},
		{"web", "ConfigMap", "a", report.StatusMissing},
		{"app", "ConfigMap", "z", report.StatusDrifted}, // a scope again after others
	} {
		st.targets = append(st.targets, &check.Target{Key: manifest.Key{Kind: r.kind, Namespace: r.namespace, Name: r.name}})
		st.entries = append(st.entries, entry{rec: record{status: r.status}})
	}
	want := map[metrics.Scope]metrics.ScopeCounts{
		{Namespace: "app", Kind: "ConfigMap"}:  {Drifted: 3, Missing: 1},
		{Namespace: "app", Kind: "Deployment"}: {},
		{Kind: "ClusterRole"}:                  {},
		{Namespace: "web", Kind: "ConfigMap"}:  {Missing: 1},
	}
	if diff := cmp.Diff(want, st.driftedByScope()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
