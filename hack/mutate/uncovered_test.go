package main

import (
	"strings"
	"testing"
)

// TestMutateTree: the operator at the mutant's position is replaced in the syntax tree, as
// gremlins does, with the parentheses the new precedence needs; a position without an operator
// the type replaces is an error.
func TestMutateTree(t *testing.T) {
	const src = "package p\n\nfunc f(a, b, c bool, n int) bool {\n\tswitch {\n\tcase n > 2:\n\t\tn++\n\t}\n\treturn a && b && c\n}\n"
	tests := []struct {
		name    string
		m       Mutant
		want    string // a line of the mutated file
		wantErr bool
	}{
		{name: "logical, precedence kept", m: Mutant{Line: 8, Column: 11, Type: "INVERT_LOGICAL"}, want: "return (a || b) && c"},
		{name: "logical, outer", m: Mutant{Line: 8, Column: 16, Type: "INVERT_LOGICAL"}, want: "return a && b || c"},
		{name: "switch case", m: Mutant{Line: 5, Column: 9, Type: "CONDITIONALS_BOUNDARY"}, want: "case n >= 2:"},
		{name: "increment", m: Mutant{Line: 6, Column: 4, Type: "INCREMENT_DECREMENT"}, want: "n--"},
		{name: "no such operator", m: Mutant{Line: 8, Column: 11, Type: "ARITHMETIC_BASE"}, wantErr: true},
		{name: "no operator there", m: Mutant{Line: 3, Column: 1, Type: "INVERT_LOGICAL"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.m.File = "p.go"
			got, err := mutateTree([]byte(src), tt.m)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("mutateTree = %s, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), "\t"+tt.want+"\n") {
				t.Errorf("mutated file lacks %q:\n%s", tt.want, got)
			}
		})
	}
}
