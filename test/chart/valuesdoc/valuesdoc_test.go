package valuesdoc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, values string
		want         []Value
		wantErr      string
	}{
		{
			name: "documented keys, nested, in order",
			values: `# A file comment, not a description.

# -- Replicas.
replicas: 2
image:
  # -- Image tag
  # (default: appVersion).
  tag: ""
  # -- Pull secrets.
  secrets: [{name: a}]
# -- Labels | pipes.
labels:
  # not listed: its parent is
  a: "1"
`,
			want: []Value{
				{Key: "replicas", Type: "int", Default: "2", Description: "Replicas."},
				{Key: "image.tag", Type: "string", Default: `""`, Description: "Image tag (default: appVersion)."},
				{Key: "image.secrets", Type: "list", Default: `[{"name":"a"}]`, Description: "Pull secrets."},
				{Key: "labels", Type: "object", Default: `{"a":"1"}`, Description: "Labels | pipes."},
			},
		},
		{name: "an undocumented value", values: "a:\n  b: true\n", wantErr: "a.b (line 2)"},
		{name: "not a mapping", values: "- a\n", wantErr: "want a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.values))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v; want one saying %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTableAndSplice(t *testing.T) {
	table := Table([]Value{{Key: "a", Type: "string", Default: "`x|y`", Description: "one | two"}})
	want := "| Key | Type | Default | Description |\n|---|---|---|---|\n| `a` | string | `` `x\\|y` `` | one \\| two |\n"
	if diff := cmp.Diff(want, table); diff != "" {
		t.Errorf("Table (-want +got):\n%s", diff)
	}
	got, err := Splice("# Chart\n"+Begin+"\nold\n"+End+"\nmore\n", "T\n")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("# Chart\n"+Begin+"\n\nT\n\n"+End+"\nmore\n", got); diff != "" {
		t.Errorf("Splice (-want +got):\n%s", diff)
	}
	if _, err := Splice("no markers", "T"); err == nil {
		t.Error("Splice without markers succeeded")
	}
}
