package policyreport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

// outline is what a test reads of a report object: where it is and its results' outcomes.
type outline struct {
	Kind, Namespace string
	Summary         Summary
	Results         []string // rule kind/name
}

func outlines(reports []*Report) []outline {
	out := make([]outline, len(reports))
	for i, r := range reports {
		out[i] = outline{Kind: r.Kind, Namespace: r.Metadata.Namespace, Summary: r.Summary, Results: []string{}}
		for _, res := range r.Results {
			out[i].Results = append(out[i].Results, res.Rule+" "+res.Resources[0].Kind+"/"+res.Resources[0].Name)
		}
	}
	return out
}

// TestBuild checks which reports an audit yields and which resources get a result.
func TestBuild(t *testing.T) {
	tests := []struct {
		api  API
		want []outline
	}{{
		api: OpenReports,
		want: []outline{
			{Kind: "ClusterReport", Summary: Summary{Fail: 1}, Results: []string{"drifted ClusterRole/reader"}},
			{Kind: "Report", Namespace: "team-a", Summary: Summary{Fail: 2}, Results: []string{"drifted Deployment/web", "drifted Secret/db"}},
			{Kind: "Report", Namespace: "team-b", Summary: Summary{Fail: 1, Error: 1}, Results: []string{"missing ConfigMap/flags", "error Widget/w1"}},
			{Kind: "Report", Namespace: "team-c", Results: []string{}},
		},
	}, {
		api: WGPolicy,
		want: []outline{
			{Kind: "ClusterPolicyReport", Summary: Summary{Fail: 1}, Results: []string{"drifted ClusterRole/reader"}},
			{Kind: "PolicyReport", Namespace: "team-a", Summary: Summary{Fail: 2}, Results: []string{"drifted Deployment/web", "drifted Secret/db"}},
			{Kind: "PolicyReport", Namespace: "team-b", Summary: Summary{Fail: 1, Error: 1}, Results: []string{"missing ConfigMap/flags", "error Widget/w1"}},
			{Kind: "PolicyReport", Namespace: "team-c", Results: []string{}},
		},
	}}
	for _, tt := range tests {
		t.Run(string(tt.api), func(t *testing.T) {
			got := NewBuilder(Options{API: tt.api}).Build(auditReport(), time.Unix(1, 0), nil)
			if diff := cmp.Diff(tt.want, outlines(got)); diff != "" {
				t.Errorf("reports (-want +got):\n%s", diff)
			}
			for _, r := range got {
				if r.APIVersion != string(tt.api) || r.Metadata.Name != Name || r.Metadata.Labels[LabelManagedBy] != Source {
					t.Errorf("report %s %s: apiVersion %s, name %s, labels %v", r.Kind, r.Metadata.Namespace, r.APIVersion, r.Metadata.Name, r.Metadata.Labels)
				}
				if openReports := tt.api == OpenReports; (r.Source != "") != openReports || (r.Configuration != nil) != openReports {
					t.Errorf("report %s: source %q, configuration %v; want them on OpenReports only", r.Kind, r.Source, r.Configuration)
				}
			}
		})
	}
}

// TestTimestamps checks that a result keeps the time it was first found while its drift stays
// the same, so that an unchanged report is the same object, and gets a new one when its drift
// changes or comes back.
func TestTimestamps(t *testing.T) {
	drift := func(paths ...string) report.Report {
		var fields []diff.Field
		for _, p := range paths {
			fields = append(fields, diff.Field{Path: p, Desired: "a", Live: "b"})
		}
		status := report.StatusDrifted
		if len(paths) == 0 {
			status = report.StatusInSync
		}
		return report.New("rev", []report.Resource{{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "cm", Status: status, Fields: fields}})
	}
	b := NewBuilder(Options{})
	steps := []struct {
		at   int64
		r    report.Report
		want []int64 // the results' timestamps
	}{
		{at: 10, r: drift("data.a"), want: []int64{10}},
		{at: 20, r: drift("data.a"), want: []int64{10}},
		{at: 30, r: drift("data.a", "data.b"), want: []int64{30}},
		{at: 40, r: drift(), want: nil},
		{at: 50, r: drift("data.a", "data.b"), want: []int64{50}},
	}
	for _, s := range steps {
		var got []int64
		for _, res := range b.Build(s.r, time.Unix(s.at, 0), nil)[0].Results {
			got = append(got, res.Timestamp.Seconds)
		}
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("at %d: timestamps (-want +got):\n%s", s.at, diff)
		}
	}
}

// TestMaxResults checks that a report holds at most MaxResults results, counts them all in
// its summary and says how many it left out.
func TestMaxResults(t *testing.T) {
	var resources []report.Resource
	for i := range 5 {
		resources = append(resources, report.Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: fmt.Sprintf("cm-%d", i), Status: report.StatusMissing})
	}
	got := NewBuilder(Options{MaxResults: 3}).Build(report.New("", resources), time.Unix(1, 0), nil)[0]
	if len(got.Results) != 3 || got.Summary.Fail != 5 || got.Metadata.Annotations[AnnotationOmitted] != "2" || got.Configuration.Limits.MaxResults != 3 {
		t.Errorf("report with %d results, summary %+v, annotations %v, configuration %+v; want 3 results, 5 fail, 2 omitted, maxResults 3",
			len(got.Results), got.Summary, got.Metadata.Annotations, got.Configuration)
	}
	if rev := got.Results[0].Properties[PropertyRevision]; rev != report.NoRevision {
		t.Errorf("revision property %q, want %q", rev, report.NoRevision)
	}
}

// TestMessages checks the messages: paths and their owners, never values, within maxMessage.
func TestMessages(t *testing.T) {
	owners := map[string]string{"spec.replicas": "kubectl-scale"}
	owner := func(f diff.Field) string { return owners[f.Path] }
	many := make([]diff.Field, 200)
	for i := range many {
		many[i] = diff.Field{Path: fmt.Sprintf("data.key-%03d", i), Desired: "x", Live: "y"}
	}
	tests := []struct {
		name string
		res  report.Resource
		want string
	}{{
		name: "owners",
		res: report.Resource{Kind: "Deployment", Status: report.StatusDrifted, Fields: []diff.Field{
			{Path: "spec.replicas", Desired: int64(3), Live: int64(5)}, {Path: "spec.paused", Live: true},
		}},
		want: "2 field(s) drift from Git: spec.replicas (by kubectl-scale), spec.paused",
	}, {
		name: "remediation failed",
		res: report.Resource{Kind: "ConfigMap", Status: report.StatusDrifted, Action: report.ActionRemediationFailed,
			Fields: []diff.Field{{Path: "data.a", Desired: "x", Live: "y"}}, Error: "admission webhook denied the request"},
		want: "1 field(s) drift from Git: data.a; remediation failed: admission webhook denied the request",
	}, {
		name: "Secret's remediation failed",
		res: report.Resource{APIVersion: "v1", Kind: "Secret", Status: report.StatusDrifted, Action: report.ActionRemediationFailed,
			Fields: []diff.Field{{Path: "data.a", Desired: secretValue, Live: "y"}}, Error: "invalid value " + secretValue},
		want: "1 field(s) drift from Git: data.a; remediation failed",
	}, {
		name: "too many fields",
		res:  report.Resource{Kind: "ConfigMap", Status: report.StatusDrifted, Fields: many},
		want: "200 field(s) drift from Git: " + joinPaths(many[:68]) + " and 132 more",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := driftedMessage(&tt.res, owner)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if len(got) > maxMessage {
				t.Errorf("message of %d bytes, want at most %d", len(got), maxMessage)
			}
		})
	}
}

func joinPaths(fields []diff.Field) string {
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = f.Path
	}
	return strings.Join(paths, ", ")
}

// TestMessageNamesPeople checks that a result's message names the person behind a field's
// owner when it is known, and only the manager otherwise.
func TestMessageNamesPeople(t *testing.T) {
	res := report.Resource{Kind: "Deployment", Status: report.StatusDrifted, Fields: []diff.Field{
		{Path: "spec.template.spec.containers[name=web].image", Owner: &diff.Owner{Manager: "kubectl-set", User: "alice@example.com", Groups: []string{"dev"}}},
		{Path: "metadata.labels.tier", Owner: &diff.Owner{Manager: "kubectl-label", UserUnknown: "not seen at admission"}},
		{Path: "spec.paused"},
	}}
	want := "3 field(s) drift from Git: spec.template.spec.containers[name=web].image (by kubectl-set, alice@example.com), " +
		"metadata.labels.tier (by kubectl-label), spec.paused"
	if diff := cmp.Diff(want, driftedMessage(&res, report.Who)); diff != "" {
		t.Errorf("message (-want +got):\n%s", diff)
	}
}

// TestErrorMessage checks that a Secret's error, which may quote its data, never reaches a
// report.
func TestErrorMessage(t *testing.T) {
	for _, kind := range []string{"Secret", "ConfigMap"} {
		res := report.Resource{APIVersion: "v1", Kind: kind, Status: report.StatusError, Error: "cannot decode " + secretValue}
		got := errorMessage(&res)
		if strings.Contains(got, secretValue) != (kind == "ConfigMap") {
			t.Errorf("%s: message %q", kind, got)
		}
	}
}

// TestParseAPI checks the values of --policy-report-api.
func TestParseAPI(t *testing.T) {
	for _, s := range []string{"openreports.io/v1alpha1", "wgpolicyk8s.io/v1alpha2"} {
		if got, err := ParseAPI(s); err != nil || string(got) != s {
			t.Errorf("ParseAPI(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseAPI("wgpolicyk8s.io/v1beta1"); err == nil {
		t.Error("ParseAPI(wgpolicyk8s.io/v1beta1): no error")
	}
}
