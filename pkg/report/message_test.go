package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

func TestFieldList(t *testing.T) {
	alice := &diff.Owner{Manager: "kubectl-set", User: "alice@example.com"}
	many := make([]diff.Field, 100)
	for i := range many {
		many[i] = diff.Field{Path: fmt.Sprintf("data.key-%03d", i), Desired: "secret-a", Live: "secret-b"}
	}
	tests := []struct {
		name   string
		fields []diff.Field
		tail   string
		n      int
		want   string
	}{{
		name: "owners named when known",
		fields: []diff.Field{
			{Path: "spec.template.spec.containers[name=web].image", Desired: "nginx:1.25", Live: "nginx:1.26", Owner: alice},
			{Path: "metadata.labels.tier", Owner: &diff.Owner{Manager: "kubectl-label", UserUnknown: "not seen at admission"}},
			{Path: "spec.paused", Live: true},
		},
		n: 1000,
		want: "3 drift: spec.template.spec.containers[name=web].image (by kubectl-set, alice@example.com), " +
			"metadata.labels.tier (by kubectl-label), spec.paused",
	}, {
		name:   "tail",
		fields: []diff.Field{{Path: "data.a"}},
		tail:   "; remediation failed",
		n:      1000,
		want:   "1 drift: data.a; remediation failed",
	}, {
		name:   "the rest counted",
		fields: many,
		n:      100,
		want:   "100 drift: data.key-000, data.key-001, data.key-002, data.key-003, data.key-004 and 95 more",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FieldList(fmt.Sprintf("%d drift", len(tt.fields)), tt.fields, Who, tt.tail, tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FieldList mismatch (-want +got):\n%s", diff)
			}
			if len(got) > tt.n || strings.Contains(got, "secret-") || strings.Contains(got, "nginx") {
				t.Errorf("FieldList = %q: over %d bytes, or a value in it", got, tt.n)
			}
		})
	}
}

// TestRevisionText checks the one wording of a missing revision, which the text report shows
// in parentheses.
func TestRevisionText(t *testing.T) {
	for rev, want := range map[string]string{"3f2a1b4c5d6e": "revision 3f2a1b4c5d6e", "": "not a git repository"} {
		if got := RevisionText(rev); got != want {
			t.Errorf("RevisionText(%q) = %q, want %q", rev, got, want)
		}
	}
	if got := revision(""); got != "("+NoRevision+")" {
		t.Errorf("revision(\"\") = %q, want NoRevision in parentheses", got)
	}
}
