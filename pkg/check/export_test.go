package check

import "github.com/gitops-drift/gitops-drift/pkg/diff"

// LegacyCompare is Compare with the hand-edit search as it was before it joined the diff's
// walk (handedit_legacy_test.go): the oracle of the one-walk search.
func (t *Target) LegacyCompare(live map[string]any) []diff.Field { return t.legacyCompare(live) }

// LegacyCompareRequest is CompareRequest as it was (see LegacyCompare).
func (t *Target) LegacyCompareRequest(obj map[string]any) []diff.Field {
	return t.legacyCompareRequest(obj)
}

// WithDefaults returns Want with the API server's defaults, as the hand-edit search sees it.
func (t *Target) WithDefaults() map[string]any { return t.withDefaults() }

// Unshared returns c packing each target's Want with a table of its own, and without the
// sharing of the defaulted copies (see Compiler.unshared): what the benchmarks compare with.
func Unshared(c Compiler) Compiler {
	c.unshared = true
	return c
}
