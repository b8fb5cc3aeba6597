package clip

import (
	"strconv"
	"strings"
)

// List returns head, then ": " and items separated by ", ", as many as fit in n bytes together
// with tail and with " and K more" that counts the rest, then tail:
// "3 field(s) drift from Git: spec.replicas, data.a and 1 more; remediation failed". Items are
// never cut; the whole is cut by End when head and tail alone are too long.
func List(head string, items []string, tail string, n int) string {
	var b strings.Builder
	b.WriteString(head)
	for i, item := range items {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		more := " and " + strconv.Itoa(len(items)-i) + " more"
		if b.Len()+len(sep)+len(item)+len(more)+len(tail) > n {
			b.WriteString(more)
			break
		}
		b.WriteString(sep)
		b.WriteString(item)
	}
	b.WriteString(tail)
	return End(b.String(), n)
}
