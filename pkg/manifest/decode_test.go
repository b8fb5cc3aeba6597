package manifest

import (
	"bufio"
	"bytes"
	"strings"
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

// plainTextCases are document texts that plainText reads (plain) or leaves to kubectl's
// reader.
var plainTextCases = []struct {
	name  string
	data  string
	plain bool
}{
	{"document", "a: 1\nb:\n  - c\n", true},
	{"no newline at the end", "a: 1\nb: 2", true},
	{"blank lines", "\n\na: 1\n\n", true},
	{"newline only", "\n", true},
	{"comment only", "# c", true},
	{"indented dashes", "a: |\n  ---\n", true},
	{"line just short", "a: " + strings.Repeat("x", maxPlainLine-4) + "\n", true},
	{"empty", "", false},
	{"carriage returns", "a: 1\r\nb: 2\r\n", false},
	{"lone carriage return", "a: 1\rb: 2\n", false},
	{"separator first", "---\na: 1\n", false},
	{"invalid separator first", "--- x\na: 1\n", false},
	{"long line", "a: " + strings.Repeat("x", 5000) + "\n", false},
	{"long last line", "a: 1\nb: " + strings.Repeat("x", 9000), false},
}

// TestPlainText checks that plainText reads what kubectl's reader reads, where it reads.
func TestPlainText(t *testing.T) {
	for _, tc := range plainTextCases {
		t.Run(tc.name, func(t *testing.T) {
			checkPlainText(t, []byte(tc.data), &tc.plain)
		})
	}
}

// FuzzPlainText checks that whatever plainText reads, it reads as kubectl's reader does.
func FuzzPlainText(f *testing.F) {
	for _, tc := range plainTextCases {
		f.Add([]byte(tc.data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkPlainText(t, data, nil)
	})
}

// checkPlainText compares plainText with kubectlText for data, and, if plain is not nil,
// whether plainText reads it.
func checkPlainText(t *testing.T, data []byte, plain *bool) {
	t.Helper()
	orig := bytes.Clone(data)
	got, ok := plainText(data)
	if plain != nil && ok != *plain {
		t.Fatalf("plainText reads it: %v, want %v", ok, *plain)
	}
	if !bytes.Equal(data, orig) {
		t.Fatalf("plainText changed its input")
	}
	if !ok {
		return
	}
	want := kubectlText(data, bufio.NewReader(nil))
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("plainText (-kubectl's reader +got):\n%s", diff)
	}
}
