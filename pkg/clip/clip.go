package clip

import "unicode/utf8"

// Ellipsis marks where End, Head and Middle cut.
const Ellipsis = "..."

// End returns s, or, when s is longer than n bytes, its start followed by Ellipsis, in at
// most n bytes: for a message, whose start says what it is about.
func End(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return Ellipsis[:max(n, 0)]
	}
	i := n - len(Ellipsis)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + Ellipsis
}

// Head returns s, or, when s is longer than n bytes, Ellipsis followed by its end, in at most
// n bytes: for a path, whose end is its most specific part.
func Head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return Ellipsis[:max(n, 0)]
	}
	i := len(s) - (n - len(Ellipsis))
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return Ellipsis + s[i:]
}

// Middle returns s, or, when s is longer than n bytes, its start and its end around Ellipsis,
// in at most n bytes (the start gets the odd byte): for a value, whose start and end (an
// image's registry and its tag) both matter.
func Middle(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < len(Ellipsis) {
		return Ellipsis[:max(n, 0)]
	}
	keep := n - len(Ellipsis)
	front := (keep + 1) / 2
	for front > 0 && !utf8.RuneStart(s[front]) {
		front--
	}
	back := len(s) - (keep - front)
	for back < len(s) && !utf8.RuneStart(s[back]) {
		back++
	}
	return s[:front] + Ellipsis + s[back:]
}

// Chars returns s, or, when s has more than n characters (runes), its first n followed by
// "…": for a report people read, where a cut should cost one character and no API counts
// bytes.
func Chars(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}
