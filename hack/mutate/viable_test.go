package main

import (
	"strings"
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

func TestApplyMutant(t *testing.T) {
	src := []byte("package p\n\nfunc f(a, b uint) uint {\n\ta &^= b\n\treturn a<<b - a&^b\n}\n")
	tests := []struct {
		name    string
		m       Mutant
		want    string
		applied bool
		wantErr bool
	}{
		{"longest token: &^= over &", Mutant{Line: 4, Column: 4, Type: "INVERT_BWASSIGN"}, "\ta &= b", true, false},
		{"shift", Mutant{Line: 5, Column: 10, Type: "INVERT_BITWISE"}, "\treturn a>>b - a&^b", true, false},
		{"and not", Mutant{Line: 5, Column: 17, Type: "INVERT_BITWISE"}, "\treturn a<<b - a&b", true, false},
		{"minus", Mutant{Line: 5, Column: 14, Type: "ARITHMETIC_BASE"}, "\treturn a<<b + a&^b", true, false},
		{"a type that always builds", Mutant{Line: 5, Column: 14, Type: "CONDITIONALS_NEGATION"}, "", false, false},
		{"no such token there", Mutant{Line: 5, Column: 2, Type: "ARITHMETIC_BASE"}, "", false, true},
		{"no such line", Mutant{Line: 50, Column: 1, Type: "ARITHMETIC_BASE"}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, applied, err := applyMutant(src, tt.m)
			if (err != nil) != tt.wantErr || applied != tt.applied {
				t.Fatalf("applyMutant() = applied %v, error %v; want applied %v, error %v", applied, err, tt.applied, tt.wantErr)
			}
			if !applied {
				return
			}
			want := strings.Split(string(src), "\n")
			want[tt.m.Line-1] = tt.want
			if diff := cmp.Diff(want, strings.Split(string(out), "\n")); diff != "" {
				t.Errorf("mutated source (-want +got):\n%s", diff)
			}
		})
	}
}
