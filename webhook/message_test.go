package webhook

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"

	"github.com/gitops-drift/gitops-drift/pkg/clip"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/report"
)

func TestFieldLine(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		name   string
		field  diff.Field
		secret bool
		want   string
	}{
		{
			name:  "short",
			field: diff.Field{Path: "spec.replicas", Desired: int64(3), Live: int64(1)},
			want:  "spec.replicas: Git has 3, change sets 1",
		},
		{
			name:  "pod template prefix dropped",
			field: diff.Field{Path: "spec.jobTemplate.spec.template.spec.containers[name=a].image", Desired: "a:1", Live: "a:2"},
			want:  "containers[name=a].image: Git has a:1, change sets a:2",
		},
		{
			name:  "removed",
			field: diff.Field{Path: "data.color", Desired: "blue"},
			want:  "data.color: Git has blue, change removes it",
		},
		{
			name:  "hand-added",
			field: diff.Field{Path: "spec.template.spec.containers[name=app].env[name=DEBUG]", Live: map[string]any{"name": "DEBUG", "value": "1"}, Added: true},
			want:  `containers[name=app].env[name=DEBUG]: not in Git, change sets {"name":"DEBUG","value":"1"}`,
		},
		{
			name:  "hand-edited default",
			field: diff.Field{Path: "spec.strategy.type", Desired: "RollingUpdate", Live: "Recreate", Default: true},
			want:  "spec.strategy.type: API default RollingUpdate, change sets Recreate",
		},
		{
			name:  "long values are cut in the middle",
			field: diff.Field{Path: "spec.template.spec.containers[name=app].image", Desired: "registry.example.com/team/app:" + long + ":1.25", Live: "registry.example.com/team/app:" + long + ":1.19"},
			want:  "...ainers[name=app].image: Git has registry.ex...xxxxxx:1.25, change sets registry.ex...xxxxxx:1.19",
		},
		{
			name:  "long path keeps its end",
			field: diff.Field{Path: "metadata.annotations." + long + ".end", Desired: "a", Live: "b"},
			want:  "..." + strings.Repeat("x", 67) + ".end: Git has a, change sets b",
		},
		{
			name:  "control characters are quoted",
			field: diff.Field{Path: "data.script", Desired: "a\nb", Live: ""},
			want:  `data.script: Git has "a\nb", change sets ""`,
		},
		{
			name:  "JSON values keep <, > and &",
			field: diff.Field{Path: "spec.template.spec.containers[name=app].args", Desired: []any{"--x=a&b"}, Live: []any{"--x=<b>"}},
			want:  `containers[name=app].args: Git has ["--x=a&b"], change sets ["--x=<b>"]`,
		},
		{
			name:  "quoted values keep printable characters",
			field: diff.Field{Path: "data.greeting", Desired: "café\n", Live: "café"},
			want:  `data.greeting: Git has "café\n", change sets café`,
		},
		{
			name:   "secret: path only",
			field:  diff.Field{Path: "data.password", Desired: diff.Redact([]byte("key"), []byte("a")), Live: diff.Redact([]byte("key"), []byte("b"))},
			secret: true,
			want:   "data.password: differs from Git",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := strings.Repeat("h", 20)
			got := fitLine(maxWarning, appendFieldPieces([]piece{fixed(head)}, tt.field, tt.secret)...)
			if diff := cmp.Diff(head+tt.want, got); diff != "" {
				t.Errorf("describe mismatch (-want +got):\n%s", diff)
			}
			if len(got) > maxWarning {
				t.Errorf("len = %d, want <= %d", len(got), maxWarning)
			}
		})
	}
}

func TestWarningsBudget(t *testing.T) {
	key := manifest.Key{Kind: "ConfigMap", Namespace: strings.Repeat("n", 63), Name: strings.Repeat("é", 120)}
	var fields []diff.Field
	for i := range 500 {
		fields = append(fields, diff.Field{
			Path:    fmt.Sprintf("data.key-%03d-%s", i, strings.Repeat("k", 100)),
			Desired: strings.Repeat("d", 300),
			Live:    strings.Repeat("€", 300),
		})
	}
	got := warnings(&change{op: admissionv1.Update, key: key, fields: fields}, testRevision)
	total := 0
	for _, w := range got {
		total += len(w)
		if len(w) > maxWarning {
			t.Errorf("warning of %d bytes: %s", len(w), w)
		}
		if !utf8.ValidString(w) || !report.Printable(w) {
			t.Errorf("warning not printable UTF-8: %q", w)
		}
		if !strings.HasPrefix(w, prefix) {
			t.Errorf("warning without prefix: %s", w)
		}
	}
	if total >= 4096 {
		t.Errorf("warnings total %d bytes, want < 4096", total)
	}
	last := got[len(got)-1]
	want := fmt.Sprintf("%d more drifted fields not shown", len(fields)-len(got)+1)
	if !strings.Contains(last, want) {
		t.Errorf("last warning = %q, want it to say %q", last, want)
	}
}

func TestWarningsAllFit(t *testing.T) {
	key := manifest.Key{Kind: "ConfigMap", Namespace: "default", Name: "settings"}
	fields := []diff.Field{{Path: "data.a", Desired: "1", Live: "2"}, {Path: "data.b", Desired: "1", Live: "2"}}
	got := warnings(&change{op: admissionv1.Update, key: key, fields: fields}, testRevision)
	want := []string{
		"gitops-drift: ConfigMap default/settings data.a: Git has 1, change sets 2",
		"gitops-drift: ConfigMap default/settings data.b: Git has 1, change sets 2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings mismatch (-want +got):\n%s", diff)
	}
}

func TestDenyMessageListsAtMostMaxDenyFields(t *testing.T) {
	var fields []diff.Field
	for i := range 30 {
		fields = append(fields, diff.Field{Path: fmt.Sprintf("data.k%d", i), Desired: "a", Live: "b"})
	}
	msg := denyMessage(&change{op: admissionv1.Update, key: manifest.Key{Kind: "ConfigMap", Namespace: "x", Name: "y"}, fields: fields}, "")
	for _, want := range []string{"ConfigMap x/y would drift from Git (not a git repository)", "data.k19: Git has a", "10 more field(s)", "exempt"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "data.k20") {
		t.Errorf("message lists more than %d fields:\n%s", maxDenyFields, msg)
	}
}

// TestWarningsFill: warnings show as many fields as fit in warningBudget with room left for the
// line that counts the rest; the last field needs no such room. A line of exactly maxWarning
// bytes is not too long: it keeps its namespace.
func TestWarningsFill(t *testing.T) {
	key := manifest.Key{Kind: "ConfigMap", Namespace: "default", Name: "settings"}
	// fields returns n fields whose warnings are size bytes each.
	fields := func(t *testing.T, n, size int) []diff.Field {
		t.Helper()
		const head = "gitops-drift: ConfigMap default/settings data.k000"
		const tail = ": Git has 1, change sets 2"
		pad := strings.Repeat("x", size-len(head)-len(tail))
		var out []diff.Field
		for i := range n {
			out = append(out, diff.Field{Path: fmt.Sprintf("data.k%03d%s", i, pad), Desired: "1", Live: "2"})
		}
		return out
	}
	// fit lines of 80 bytes leave exactly maxWarning bytes of warningBudget: room for one more
	// field, or for the count of the rest.
	const size, fit = 80, (warningBudget - maxWarning) / 80
	tests := []struct {
		name  string
		n     int
		size  int
		shown int    // field lines
		more  string // the last line's count, "" when every field is shown
	}{
		{name: "the last field needs no room for a count", n: fit + 1, size: size, shown: fit + 1},
		{name: "as many as fit with room for the count", n: fit + 2, size: size, shown: fit, more: "2 more drifted fields not shown"},
		{name: "a line of exactly maxWarning bytes keeps its namespace", n: 1, size: maxWarning, shown: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := fields(t, tt.n, tt.size)
			got := warnings(&change{op: admissionv1.Update, key: key, fields: fs}, testRevision)
			var want []string
			for _, f := range fs[:tt.shown] {
				want = append(want, fmt.Sprintf("gitops-drift: ConfigMap default/settings %s: Git has 1, change sets 2", f.Path))
			}
			if tt.more != "" {
				want = append(want, "gitops-drift: ConfigMap default/settings: "+tt.more)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			for _, w := range got[:tt.shown] {
				if len(w) != tt.size {
					t.Fatalf("a warning of %d bytes, want %d: %s", len(w), tt.size, w)
				}
			}
		})
	}
}

// TestDenyMessageLines: a denial lists the first maxDenyFields fields, then counts the others,
// and lists no field after the count.
func TestDenyMessageLines(t *testing.T) {
	key := manifest.Key{Kind: "ConfigMap", Namespace: "x", Name: "y"}
	fields := func(n int) []diff.Field {
		var out []diff.Field
		for i := range n {
			out = append(out, diff.Field{Path: fmt.Sprintf("data.k%02d", i), Desired: "a", Live: "b"})
		}
		return out
	}
	lines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "  - data.k%02d: Git has a, change sets b\n", i)
		}
		return b.String()
	}
	head := "gitops-drift: ConfigMap x/y would drift from Git (" + report.RevisionText(testRevision) + "):\n"
	const tail = "To proceed, change the manifest in Git, or make the change as an exempt user or group."
	tests := []struct {
		name   string
		fields []diff.Field
		want   string
	}{
		{"every field", fields(maxDenyFields), head + lines(maxDenyFields) + tail},
		{"the rest counted", fields(maxDenyFields + 3), head + lines(maxDenyFields) + "  - 3 more field(s)\n" + tail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := denyMessage(&change{op: admissionv1.Update, key: key, fields: tt.fields}, testRevision)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("denyMessage (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFitLineProtectedPartsTooLong: when the protected parts alone do not fit, fitLine cuts
// every shortenable piece evenly, short ones too, down to minPiece, and cuts the line in the
// middle if even that does not fit.
func TestFitLineProtectedPartsTooLong(t *testing.T) {
	cut := func(s string) piece { return piece{text: s, cut: clip.Middle} }
	a, b, c := strings.Repeat("a", 10), strings.Repeat("b", 30), strings.Repeat("c", 30)
	tests := []struct {
		name   string
		budget int
		pieces []piece
		want   string
	}{
		{
			name:   "a short piece cut as much as the long ones",
			budget: 32,
			pieces: []piece{cut(a), fixed("|"), cut(b), fixed("|"), cut(c)},
			want:   "aaaaaaaaaa|bbbb...bbb|cccc...ccc",
		},
		{
			name:   "no piece below minPiece; the line cut in the middle",
			budget: 14,
			pieces: []piece{cut(a), fixed("|"), cut(b), fixed("|"), cut(c)},
			want:   "aaa.........cc", // "aaa...aa|bbb...bb|ccc...cc" cut to 14
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fitLine(tt.budget, tt.pieces...); got != tt.want {
				t.Errorf("fitLine() = %q, want %q", got, tt.want)
			}
		})
	}
}
