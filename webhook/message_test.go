package webhook

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"

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
