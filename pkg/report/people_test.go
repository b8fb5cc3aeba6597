package report

import (
	"bytes"
	"testing"
	"time"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/test/golden"
)

// peopleResources are drifted fields whose owners name the person behind them (issue 20),
// could not, or were not asked.
func peopleResources() []Resource {
	at := time.Date(2026, 12, 4, 10, 0, 7, 0, time.UTC)
	return []Resource{{
		APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", Status: StatusDrifted, Action: ActionDryRun,
		Fields: []diff.Field{
			{Path: "spec.template.spec.containers[name=web].image", Desired: "nginx:1.25", Live: "nginx:1.19",
				Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: at, User: "alice@example.com", Groups: []string{"dev", "system:authenticated"}}},
			{Path: "metadata.labels.tier", Desired: "web", Live: "db",
				Owner: &diff.Owner{Manager: "kubectl-label", Operation: "Update", Time: at, User: "system:serviceaccount:ci:deployer", Groups: []string{"system:serviceaccounts"}}},
			{Path: "metadata.annotations.owner", Desired: "team-a", Live: "team-b",
				Owner: &diff.Owner{Manager: "kubectl-edit", Operation: "Update", Time: at, UserUnknown: "not seen at admission"}},
			{Path: "spec.replicas", Desired: int64(2), Live: int64(5),
				Owner: &diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale", UserUnknown: "2 admissions at that second"}},
			{Path: "spec.paused", Desired: false, Live: true,
				Owner: &diff.Owner{Manager: "kubectl-patch", Operation: "Update", Time: at}},
		},
	}}
}

// TestPeopleGolden renders the person behind each drifted field in every format.
func TestPeopleGolden(t *testing.T) {
	for _, f := range []struct {
		golden string
		write  func(*bytes.Buffer, Report) error
	}{
		{"people.txt", func(b *bytes.Buffer, r Report) error { return Text(b, r) }},
		{"people.json", func(b *bytes.Buffer, r Report) error { return JSON(b, r) }},
		{"people.md", func(b *bytes.Buffer, r Report) error { return Markdown(b, r) }},
	} {
		t.Run(f.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b, New("3f2a1b4c5d6e", peopleResources())); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, f.golden, b.Bytes())
		})
	}
}
