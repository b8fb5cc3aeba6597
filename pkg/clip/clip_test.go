package clip

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCut(t *testing.T) {
	tests := []struct {
		name string
		cut  func(string, int) string
		in   string
		n    int
		want string
	}{
		{name: "end", cut: End, in: "abcdefghij", n: 7, want: "abcd..."},
		{name: "head", cut: Head, in: "abcdefghij", n: 7, want: "...ghij"},
		{name: "middle", cut: Middle, in: "abcdefghij", n: 7, want: "ab...ij"},
		{name: "middle odd", cut: Middle, in: "abcdefghij", n: 8, want: "abc...ij"},
		{name: "end fits", cut: End, in: "abcdefghij", n: 10, want: "abcdefghij"},
		{name: "head fits", cut: Head, in: "abcdefghij", n: 10, want: "abcdefghij"},
		{name: "middle fits", cut: Middle, in: "abcdefghij", n: 10, want: "abcdefghij"},
		{name: "end one byte over", cut: End, in: "abcdefghij", n: 9, want: "abcdef..."},
		{name: "end multibyte", cut: End, in: "ééééé", n: 8, want: "éé..."},
		{name: "end multibyte, a character not cut", cut: End, in: "éééééé", n: 10, want: "ééé..."},
		{name: "head multibyte", cut: Head, in: "ééééé", n: 8, want: "...éé"},
		{name: "middle multibyte", cut: Middle, in: "ééééé", n: 8, want: "é...é"},
		{name: "end to the ellipsis", cut: End, in: "abcdefghij", n: 3, want: "..."},
		{name: "end below the ellipsis", cut: End, in: "abcdefghij", n: 2, want: ".."},
		{name: "head below the ellipsis", cut: Head, in: "abcdefghij", n: 1, want: "."},
		{name: "middle to nothing", cut: Middle, in: "abcdefghij", n: 0, want: ""},
		// Bytes that are not UTF-8 are never read past either end of s.
		{name: "end, not UTF-8", cut: End, in: "\x80\x80\x80\x80\x80", n: 4, want: "..."},
		{name: "head, not UTF-8", cut: Head, in: "abc\x80\x80\x80", n: 5, want: "..."},
		{name: "middle, not UTF-8 at the start", cut: Middle, in: "\x80\x80\x80\x80\x80\x80", n: 5, want: "..."},
		{name: "middle, not UTF-8 at the end", cut: Middle, in: "ab\x80\x80\x80\x80", n: 5, want: "a..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cut(tt.in, tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("cut(%q, %d) mismatch (-want +got):\n%s", tt.in, tt.n, diff)
			}
			if len(got) > tt.n || utf8.ValidString(tt.in) && !utf8.ValidString(got) {
				t.Errorf("cut(%q, %d) = %q: too long or not UTF-8", tt.in, tt.n, got)
			}
		})
	}
}

func TestChars(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{name: "fits", in: "abc", n: 3, want: "abc"},
		{name: "cut", in: "abcd", n: 3, want: "abc…"},
		{name: "characters, not bytes", in: strings.Repeat("é", 5), n: 4, want: "éééé…"},
		{name: "as many characters as bytes would not fit", in: strings.Repeat("é", 4), n: 4, want: "éééé"},
		{name: "empty", in: "", n: 0, want: ""},
		{name: "to nothing", in: "a", n: 0, want: "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Chars(tt.in, tt.n)); diff != "" {
				t.Errorf("Chars(%q, %d) mismatch (-want +got):\n%s", tt.in, tt.n, diff)
			}
		})
	}
}

func TestList(t *testing.T) {
	many := make([]string, 100)
	for i := range many {
		many[i] = "data.key-" + strings.Repeat("x", i%7)
	}
	tests := []struct {
		name  string
		head  string
		items []string
		tail  string
		n     int
		want  string
	}{
		{name: "no items", head: "missing", tail: "; failed", n: 100, want: "missing; failed"},
		{name: "all fit", head: "2 fields", items: []string{"a", "b"}, n: 100, want: "2 fields: a, b"},
		{name: "tail", head: "1 field", items: []string{"a"}, tail: "; failed", n: 100, want: "1 field: a; failed"},
		// "2 fields: a" is 11 bytes; with " and 1 more" (11) the next item would need 25.
		{name: "room kept for the count", head: "2 fields", items: []string{"a", "b"}, n: 24, want: "2 fields: a and 1 more"},
		{name: "an item that fits to the byte", head: "2 fields", items: []string{"a", "b"}, n: 25, want: "2 fields: a, b"},
		{name: "room kept for the tail", head: "2 fields", items: []string{"a", "b"}, tail: "!", n: 25, want: "2 fields: a and 1 more!"},
		{name: "even the last item keeps room for a count", head: "1 field", items: []string{"abc"}, n: 15, want: "1 field and 1 more"[:12] + "..."},
		{name: "head too long", head: strings.Repeat("h", 20), items: []string{"a"}, n: 10, want: "hhhhhhh..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := List(tt.head, tt.items, tt.tail, tt.n)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("List mismatch (-want +got):\n%s", diff)
			}
			if len(got) > tt.n {
				t.Errorf("List = %d bytes, want at most %d", len(got), tt.n)
			}
		})
	}
	t.Run("many", func(t *testing.T) {
		got := List("100 fields", many, "", 200)
		if len(got) > 200 || !strings.HasPrefix(got, "100 fields: data.key-, data.key-x, ") || !strings.HasSuffix(got, " more") {
			t.Errorf("List of 100 items in 200 bytes (%d bytes): %s", len(got), got)
		}
	})
}
