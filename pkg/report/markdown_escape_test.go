package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "nginx:1.25", want: "`nginx:1.25`"},
		{name: "empty", in: "", want: ""},
		{name: "HTML stays literal", in: "<b>x</b> & y", want: "`<b>x</b> & y`"},
		{name: "pipe untouched outside tables", in: "a|b", want: "`a|b`"},
		{name: "backtick inside", in: "run `ls` now", want: "``run `ls` now``"},
		{name: "ends with a backtick", in: "run `ls`", want: "`` run `ls` ``"},
		{name: "starts with a backtick", in: "`x", want: "`` `x ``"},
		{name: "double backticks inside", in: "a``b", want: "```a``b```"},
		{name: "surrounding spaces kept", in: " x ", want: "`  x  `"},
		{name: "spaces alone", in: "  ", want: "`  `"},
		{name: "line breaks become spaces", in: "a\nb\r\nc", want: "`a b c`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, code(tt.in)); diff != "" {
				t.Errorf("code(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCellCode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "no pipe", in: "spec.replicas", want: "`spec.replicas`"},
		{name: "pipe escaped", in: "a | b", want: "`a \\| b`"},
		{name: "pipes and backticks", in: "`a`|b", want: "`` `a`\\|b ``"},
		{name: "backslash before a pipe", in: `a\|b`, want: "`a\\\\\\|b`"},
		{name: "two backslashes before a pipe", in: `a\\|b`, want: "`a\\\\\\|b`"},
		{name: "backslash elsewhere", in: `a\b|`, want: "`a\\b\\|`"},
		{name: "newline", in: "a\n|", want: "`a \\|`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, cellCode(tt.in)); diff != "" {
				t.Errorf("cellCode(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestHTMLText(t *testing.T) {
	in := "a<b>&\"c'\nd"
	want := "a&lt;b&gt;&amp;&#34;c&#39; d"
	if got := htmlText(in); got != want {
		t.Errorf("htmlText(%q) = %q, want %q", in, got, want)
	}
}

func TestFenced(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "boom\n", want: "```text\nboom\n```\n"},
		{name: "fence inside", in: "a\n```\nb", want: "````text\na\n```\nb\n````\n"},
		{name: "HTML inside", in: "</details><b>", want: "```text\n</details><b>\n```\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, fenced(tt.in)); diff != "" {
				t.Errorf("fenced(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
