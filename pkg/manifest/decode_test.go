package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitYAML(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []chunk
	}{
		{"one document", "a: 1\n", []chunk{{1, []byte("a: 1\n")}}},
		{"separators", "---\na: 1\n--- # two\nb: 2", []chunk{{1, []byte{}}, {2, []byte("a: 1\n")}, {4, []byte("b: 2")}}},
		{"indented dashes are content", "a: |\n  ---\n", []chunk{{1, []byte("a: |\n  ---\n")}}},
		{"empty file", "", []chunk{{1, []byte{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := splitYAML("f", []byte(tt.data))
			if errs != nil {
				t.Fatalf("splitYAML errors: %v", errs)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(chunk{})); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCutLineNumber(t *testing.T) {
	tests := []struct {
		msg      string
		wantLine int
		wantText string
	}{
		{"line 3: did not find expected key", 3, "did not find expected key"},
		{"found unknown escape character", 1, "found unknown escape character"},
		{"line x: odd", 1, "line x: odd"},
		{"line 0: odd", 1, "line 0: odd"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			n, text := cutLineNumber(tt.msg)
			if diff := cmp.Diff([]any{tt.wantLine, tt.wantText}, []any{n, text}); diff != "" {
				t.Errorf("cutLineNumber (-want +got):\n%s", diff)
			}
		})
	}
}
