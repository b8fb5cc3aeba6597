package report

import (
	"html"
	"strings"
)

// Escaping for the Markdown report. Text from the cluster or from Git (values, paths, field
// managers, errors) is only ever written inside a code span, a fenced code block, or escaped
// HTML, where neither Markdown nor HTML is interpreted.

// oneLine replaces line breaks with spaces: a table row, a code span and a <summary> are one line.
var oneLine = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

// code returns s as an inline code span, in running text; "" for "", which no span can hold.
func code(s string) string {
	s = oneLine.Replace(s)
	if s == "" {
		return ""
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	// A span that starts or ends with a backtick or a space is padded with one space on each
	// side, which CommonMark strips; a span of spaces alone is kept as it is.
	if strings.Trim(s, " ") != "" && (strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ")) {
		s = " " + s + " "
	}
	return fence + s + fence
}

// cellCode returns s as an inline code span inside a table cell. A table splits its cells on
// "|" before it reads code spans, so every "|" is escaped as "\|", which GitHub shows as "|"
// inside the span. A "|" after an odd number of backslashes gets one more backslash so that
// its own escape is not taken for an escaped backslash (the value then shows one backslash
// more than it has).
func cellCode(s string) string {
	s = oneLine.Replace(s)
	if !strings.Contains(s, "|") {
		return code(s)
	}
	var b strings.Builder
	backslashes := 0
	for _, r := range s {
		if r == '|' {
			if backslashes%2 == 1 {
				b.WriteByte('\\')
			}
			b.WriteString(`\|`)
			backslashes = 0
			continue
		}
		if r == '\\' {
			backslashes++
		} else {
			backslashes = 0
		}
		b.WriteRune(r)
	}
	return code(b.String())
}

// htmlText returns s escaped for HTML, on one line: for <summary>, whose content GitHub does
// not read as Markdown.
func htmlText(s string) string {
	return html.EscapeString(oneLine.Replace(s))
}

// fenced returns s as a fenced code block, its fence longer than any run of backticks in s.
func fenced(s string) string {
	fence := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return fence + "text\n" + strings.TrimRight(s, "\n") + "\n" + fence + "\n"
}

// longestRun returns the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			run = 0
			continue
		}
		run++
		longest = max(longest, run)
	}
	return longest
}
