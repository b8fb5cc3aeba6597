package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMarkNotViable builds each mutant of testdata/viable: those the compiler refuses become
// NOT VIABLE, those that build and those of types that always build keep their status.
func TestMarkNotViable(t *testing.T) {
	const file = "testdata/viable/viable.go"
	mutants := []Mutant{
		{File: file, Line: 10, Column: 5, Type: "INVERT_ASSIGNMENTS", Status: statusKilled},      // s -= p on a string
		{File: file, Line: 10, Column: 5, Type: "REMOVE_SELF_ASSIGNMENTS", Status: statusKilled}, // s = p
		{File: file, Line: 11, Column: 5, Type: "INVERT_ASSIGNMENTS", Status: statusNotCovered},  // n -= len(p)
		{File: file, Line: 14, Column: 9, Type: "CONDITIONALS_NEGATION", Status: statusKilled},   // always builds
		{File: file, Line: 15, Column: 3, Type: "INVERT_LOOPCTRL", Status: statusTimedOut},       // continue outside a loop
		{File: file, Line: 18, Column: 7, Type: "INVERT_BITWISE", Status: statusKilled},          // |b
		{File: file, Line: 20, Column: 20, Type: "ARITHMETIC_BASE", Status: statusNotCovered},    // string - ""
		{File: file, Line: 20, Column: 28, Type: "ARITHMETIC_BASE", Status: statusLived},         // lived: it built
	}
	want := []string{statusNotViable, statusKilled, statusNotCovered, statusKilled, statusNotViable, statusNotViable, statusNotViable, statusLived}
	if err := markNotViable(t.Context(), "testdata/viable", mutants); err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(mutants))
	for i, m := range mutants {
		got[i] = m.Status
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}
