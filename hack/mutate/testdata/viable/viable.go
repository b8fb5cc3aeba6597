// Package viable holds code whose mutants may or may not compile, for mutate's tests.
package viable

import "strings"

// Join joins parts and counts their bytes, less one.
func Join(parts []string) (string, int) {
	s, n := "", 0
	for _, p := range parts {
		s += p
		n += len(p)
	}
	switch {
	case n == 0:
		break
	}
	var b strings.Builder
	w := &b
	w.WriteString(s)
	return b.String() + "", n - 1
}
