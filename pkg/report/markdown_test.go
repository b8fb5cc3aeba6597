package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/test/golden"
)

// ownedResources returns drifted resources whose fields name who changed them: a hand-edited
// default, a hand-added field, a scale, a redacted Secret value, and a field manager and
// values written to break Markdown and HTML.
func ownedResources() []Resource {
	at := time.Date(2026, 11, 24, 10, 2, 11, 0, time.UTC)
	edit := &diff.Owner{Manager: "kubectl-edit", Operation: "Update", Time: at}
	return []Resource{
		{
			APIVersion: "apps/v1", Kind: "Deployment", Namespace: "demo", Name: "frontend",
			Status: StatusDrifted, Action: ActionDryRun,
			Fields: []diff.Field{
				{Path: "spec.replicas", Desired: int64(2), Live: int64(5),
					Owner: &diff.Owner{Manager: "kubectl", Operation: "Update", Subresource: "scale", Time: at}},
				{Path: "spec.template.spec.containers[name=frontend].image", Desired: "nginx:1.25", Live: "nginx:1.19",
					Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", Time: at}},
				{Path: "spec.template.spec.containers[name=frontend].imagePullPolicy", Desired: "IfNotPresent", Live: "Always",
					Default: true, Owner: edit},
				{Path: "metadata.labels.owner", Desired: nil, Live: "me", Added: true, Owner: edit},
			},
		},
		{
			APIVersion: "v1", Kind: "Secret", Namespace: "demo", Name: "api-token",
			Status: StatusDrifted, Action: ActionDryRun,
			Fields: []diff.Field{{Path: "data.token", Desired: "<redacted hmac:0f1e2d3c4b5a6978>",
				Live: "<redacted hmac:8796a5b4c3d2e1f0>", Owner: edit}},
		},
		{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "demo", Name: "hostile",
			Status: StatusDrifted, Action: ActionDryRun,
			Fields: []diff.Field{
				{Path: `data["a|b"]`, Desired: "x | y", Live: "`rm -rf` | <b>bold</b> & *em*",
					Owner: &diff.Owner{Manager: "evil|`tool`</details><script>", Operation: "Apply"}},
				{Path: "data.script", Desired: "echo a\necho b", Live: "", Owner: edit},
				{Path: "data.escaped", Desired: `a\|b`, Live: map[string]any{"k": "<v>|"}},
			},
		},
	}
}

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		report Report
		// leftOut is the number of resources the report must say it left out; 0 for none.
		leftOut int
	}{
		{name: "no drift", golden: "clean.md", report: New("3f2a1b4c5d6e", inSyncResources())},
		{name: "nothing checked", golden: "empty.md", report: New("", nil)},
		{name: "drift, a Secret, missing, error", golden: "drift.md", report: New("3f2a1b4c5d6e", driftedResources())},
		{name: "owners and escaping", golden: "owners.md", report: New("3f2a1b4c5d6e-dirty", ownedResources())},
		{name: "stale", golden: "stale-clean.md", report: staleReport(inSyncResources())},
		{name: "oversize", golden: "oversize.md", report: New("3f2a1b4c5d6e", oversizeResources(600)), leftOut: 549},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, tt.report); err != nil {
				t.Fatalf("Markdown() error = %v", err)
			}
			golden.Check(t, tt.golden, b.Bytes())
			if !strings.HasPrefix(b.String(), markdownMarker+"\n") {
				t.Errorf("%s does not open with the marker %q", tt.golden, markdownMarker)
			}
			if b.Len() >= 65536 {
				t.Errorf("%s is %d bytes long, want under GitHub's limit of 65,536", tt.golden, b.Len())
			}
			leftOut := regexp.MustCompile(`… and (\d+) more resources? \(see the JSON report\)\.\n$`).FindStringSubmatch(b.String())
			switch {
			case tt.leftOut == 0 && leftOut != nil:
				t.Errorf("%s says %s resources were left out, want none", tt.golden, leftOut[1])
			case tt.leftOut > 0 && (leftOut == nil || leftOut[1] != strconv.Itoa(tt.leftOut)):
				t.Errorf("%s does not end saying %d more resources were left out", tt.golden, tt.leftOut)
			}
		})
	}
}

// oversizeResources returns n drifted ConfigMaps of three long fields each, some owned, far
// more than fit in a comment.
func oversizeResources(n int) []Resource {
	out := make([]Resource, n)
	for i := range out {
		out[i] = Resource{
			APIVersion: "v1", Kind: "ConfigMap", Namespace: "load", Name: fmt.Sprintf("cm-%04d", i),
			Status: StatusDrifted, Action: ActionDryRun,
		}
		for j := range 3 {
			f := diff.Field{
				Path:    fmt.Sprintf("data.key-%d", j),
				Desired: strings.Repeat(strconv.Itoa(j), 150),
				Live:    strings.Repeat("x", 150),
			}
			if (i+j)%4 == 0 {
				f.Owner = &diff.Owner{Manager: "kubectl-edit", Operation: "Update"}
			}
			out[i].Fields = append(out[i].Fields, f)
		}
	}
	return out
}

var detailsOpen = regexp.MustCompile(`(?m)^<details>`)

// TestMarkdownBudget checks that a report too large for a comment stays under GitHub's limit,
// stops adding resources at the first that does not fit, and says how many it left out.
func TestMarkdownBudget(t *testing.T) {
	tests := []struct {
		name      string
		resources []Resource
		budget    int
		wantShown int
	}{
		{name: "everything fits", resources: oversizeResources(3), budget: markdownBudget, wantShown: 3},
		{name: "GitHub's limit", resources: oversizeResources(600), budget: markdownBudget, wantShown: 51},
		{name: "ten thousand resources", resources: oversizeResources(10000), budget: markdownBudget, wantShown: 51},
		{name: "small budget", resources: oversizeResources(10), budget: 5000, wantShown: 3},
		{name: "budget below one resource", resources: oversizeResources(10), budget: 1000, wantShown: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markdown(New("abc", tt.resources), tt.budget)
			if len(got) > tt.budget || len(got) >= 65536 {
				t.Errorf("length %d, want at most %d and under 65,536", len(got), tt.budget)
			}
			shown := len(detailsOpen.FindAllString(got, -1))
			rows := strings.Count(got, "\n| `ConfigMap/load/")
			if shown != tt.wantShown || rows != tt.wantShown {
				t.Errorf("%d sections and %d table rows, want %d of each", shown, rows, tt.wantShown)
			}
			left := len(tt.resources) - tt.wantShown
			trailer := fmt.Sprintf("… and %d more resources (see the JSON report).\n", left)
			if left > 0 && !strings.HasSuffix(got, trailer) {
				t.Errorf("output does not end with %q:\n…%s", trailer, got[max(0, len(got)-300):])
			}
			if left == 0 && strings.Contains(got, "more resource") {
				t.Errorf("output says resources were left out, but none were")
			}
			if left > 0 {
				next := New("abc", tt.resources).Resources[tt.wantShown]
				if room := tt.budget - (len(got) - len(trailer)) - markdownTrailerRoom; len(markdownRow(next))+len(markdownSection(next)) <= room {
					t.Errorf("%s was left out, but fits in the %d bytes left", resourceName(next), room)
				}
			}
		})
	}
}

func TestMarkdownFieldCap(t *testing.T) {
	res := Resource{Kind: "ConfigMap", Namespace: "a", Name: "big", Status: StatusDrifted}
	for i := range 60 {
		res.Fields = append(res.Fields, diff.Field{Path: fmt.Sprintf("data.k%02d", i), Desired: "1", Live: "2"})
	}
	got := markdownSection(res)
	if n := strings.Count(got, "| `data.k"); n != markdownMaxFields {
		t.Errorf("%d field rows, want %d", n, markdownMaxFields)
	}
	for _, want := range []string{"<summary><code>ConfigMap/a/big</code>: drifted, 60 fields</summary>", "| `data.k49` |",
		"… and 10 more fields (see the JSON report).\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("section lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "data.k50") {
		t.Errorf("section lists a field past the cap:\n%s", got)
	}
}

func TestMarkdownRow(t *testing.T) {
	owner := func(m string) *diff.Owner { return &diff.Owner{Manager: m, Operation: "Update"} }
	tests := []struct {
		name string
		res  Resource
		want string
	}{
		{
			name: "managers deduplicated and sorted",
			res: Resource{Kind: "Deployment", Namespace: "ns", Name: "web", Status: StatusDrifted, Action: ActionRemediated,
				Fields: []diff.Field{{Path: "a", Owner: owner("kubectl-set")}, {Path: "b"}, {Path: "c", Owner: owner("helm")}, {Path: "d", Owner: owner("kubectl-set")}}},
			want: "| `Deployment/ns/web` | drifted | remediated | 4 | `helm`, `kubectl-set` |\n",
		},
		{
			name: "the people behind the managers",
			res: Resource{Kind: "Deployment", Namespace: "ns", Name: "web", Status: StatusDrifted,
				Fields: []diff.Field{
					{Path: "a", Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", User: "bob"}},
					{Path: "b", Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", User: "alice|x"}},
					{Path: "c", Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", UserUnknown: "not seen at admission"}},
					{Path: "d", Owner: &diff.Owner{Manager: "kubectl-set", Operation: "Update", User: "bob"}},
				}},
			want: "| `Deployment/ns/web` | drifted | drift-detected | 4 | `kubectl-set`, `kubectl-set` by `alice\\|x`, `kubectl-set` by `bob` |\n",
		},
		{
			name: "cluster-scoped, no action yet",
			res:  Resource{Kind: "Namespace", Name: "demo", Status: StatusDrifted, Fields: []diff.Field{{Path: "metadata.labels.a"}}},
			want: "| `Namespace/demo` | drifted | drift-detected | 1 |  |\n",
		},
		{
			name: "missing",
			res:  Resource{Kind: "Service", Namespace: "ns", Name: "web", Status: StatusMissing, Action: ActionCreated},
			want: "| `Service/ns/web` | missing | created | — |  |\n",
		},
		{
			name: "error",
			res:  Resource{Kind: "Widget", Namespace: "ns", Name: "w", Status: StatusError, Action: ActionRemediationFailed, Error: "a | b"},
			want: "| `Widget/ns/w` | error | remediation-failed | — |  |\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, markdownRow(tt.res)); diff != "" {
				t.Errorf("markdownRow() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarkdownWriteError(t *testing.T) {
	if err := Markdown(failingWriter{}, New("", nil)); err == nil {
		t.Error("Markdown() error = nil, want the writer's error")
	}
}

// TestMarkdownBudgetEdges: the budget's edges. Resources fill the budget with room kept for
// the line that counts those left out, to the byte; the first that does not fit ends the
// list, even when a later one would fit; with none shown there is no table.
func TestMarkdownBudgetEdges(t *testing.T) {
	load := oversizeResources(10)
	// fill returns the budget that the resources of some, shown in a report of all, fill to
	// the byte with the room kept: some's report, whose header is all's once swapped.
	fill := func(some, all []Resource) int {
		head := func(rs []Resource) int { // the header: the report with nothing shown, less its last line
			return len(markdown(New("abc", rs), 0)) - len(fmt.Sprintf("… and %d more resources (see the JSON report).\n", len(rs)))
		}
		return len(markdown(New("abc", some), markdownBudget)) - head(some) + head(all) + markdownTrailerRoom
	}
	exact := fill(load[:3], load)
	small := func(name string) Resource {
		return Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: "load", Name: name, Status: StatusDrifted,
			Fields: []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}}
	}
	big := oversizeResources(1)[0]
	big.Name = "b"
	smallTwo := fill([]Resource{small("a"), small("c")}, []Resource{small("a"), big, small("c")})
	tests := []struct {
		name      string
		resources []Resource
		budget    int
		shown     []string
	}{
		{name: "filled to the byte", resources: load, budget: exact, shown: []string{"cm-0000", "cm-0001", "cm-0002"}},
		{name: "a byte short", resources: load, budget: exact - 1, shown: []string{"cm-0000", "cm-0001"}},
		{name: "the first that does not fit ends the list", resources: []Resource{small("a"), big, small("c")}, budget: smallTwo, shown: []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markdown(New("abc", tt.resources), tt.budget)
			if len(got) > tt.budget {
				t.Errorf("length %d, want at most %d", len(got), tt.budget)
			}
			var shown []string
			for _, m := range regexp.MustCompile("(?m)^<details><summary><code>ConfigMap/load/([^<]*)</code>").FindAllStringSubmatch(got, -1) {
				shown = append(shown, m[1])
			}
			if diff := cmp.Diff(tt.shown, shown); diff != "" {
				t.Errorf("resources shown (-want +got):\n%s", diff)
			}
			trailer := fmt.Sprintf("… and %d more resources (see the JSON report).\n", len(tt.resources)-len(tt.shown))
			if !strings.HasSuffix(got, trailer) {
				t.Errorf("output does not end with %q:\n…%s", trailer, got[max(0, len(got)-300):])
			}
		})
	}
	t.Run("none shown: no table", func(t *testing.T) {
		got := markdown(New("abc", load), 1000)
		if strings.Contains(got, "| Resource |") {
			t.Errorf("a table without rows:\n%s", got)
		}
	})
}

// TestMarkdownSectionFields: a section lists the fields of a drifted resource, all of them up
// to markdownMaxFields with no line counting the rest, and has no field table for a drifted
// resource without fields.
func TestMarkdownSectionFields(t *testing.T) {
	full := Resource{Kind: "ConfigMap", Namespace: "a", Name: "full", Status: StatusDrifted}
	for i := range markdownMaxFields {
		full.Fields = append(full.Fields, diff.Field{Path: fmt.Sprintf("data.k%02d", i), Desired: "1", Live: "2"})
	}
	got := markdownSection(full)
	if n := strings.Count(got, "| `data.k"); n != markdownMaxFields {
		t.Errorf("%d field rows, want %d", n, markdownMaxFields)
	}
	if strings.Contains(got, "more field") {
		t.Errorf("section counts fields left out, but none were:\n%s", got)
	}
	empty := Resource{Kind: "ConfigMap", Namespace: "a", Name: "empty", Status: StatusDrifted}
	want := "<details><summary><code>ConfigMap/a/empty</code>: drifted, 0 fields</summary>\n\n</details>\n\n"
	if diff := cmp.Diff(want, markdownSection(empty)); diff != "" {
		t.Errorf("section of a drifted resource without fields (-want +got):\n%s", diff)
	}
}

// TestMarkdownTitle: the heading says drift was found when a resource drifted or is missing,
// whatever the errors; that not every resource could be checked when only errors are left.
func TestMarkdownTitle(t *testing.T) {
	res := func(name string, s Status) Resource {
		r := Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: "a", Name: name, Status: s}
		if s == StatusDrifted {
			r.Fields = []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}}
		}
		return r
	}
	tests := []struct {
		name      string
		resources []Resource
		want      string
	}{
		{"in sync", []Resource{res("a", StatusInSync)}, "no drift"},
		{"drifted", []Resource{res("a", StatusDrifted)}, "drift found"},
		{"missing only", []Resource{res("a", StatusMissing), res("b", StatusError)}, "drift found"},
		{"missing and more drifted", []Resource{res("a", StatusMissing), res("b", StatusDrifted), res("c", StatusDrifted)}, "drift found"},
		{"errors only", []Resource{res("a", StatusError), res("b", StatusInSync)}, "not every resource could be checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markdown(New("abc", tt.resources), markdownBudget)
			if want := "### gitops-drift: " + tt.want + "\n"; !strings.Contains(got, want) {
				t.Errorf("heading is not %q:\n%s", want, got)
			}
		})
	}
}
