package main

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/test/golden"
)

func TestReadGremlins(t *testing.T) {
	data, err := os.ReadFile("testdata/gremlins.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := readGremlins(data, "testdata/viable", []string{"viable.go"})
	if err != nil {
		t.Fatal(err)
	}
	const file = "testdata/viable/viable.go"
	want := []Mutant{
		{File: file, Line: 11, Column: 5, Type: "INVERT_ASSIGNMENTS", Status: statusNotCovered, Source: "n += len(p)"},
		{File: file, Line: 14, Column: 9, Type: "CONDITIONALS_NEGATION", Status: statusKilled, Source: "case n == 0:"},
		{File: file, Line: 20, Column: 28, Type: "ARITHMETIC_BASE", Status: statusLived, Source: `return b.String() + "", n - 1`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readGremlins() (-want +got):\n%s", diff)
	}
	if _, err := readGremlins(data, "testdata/viable", []string{"other.go"}); err == nil {
		t.Error("readGremlins() of a file not among the target's succeeded; want an error")
	}
}

// TestRender renders three targets into testdata/doc.md: one measured with survivors, one
// accounted for, the other not; one measured without survivors; one not measured. The entry
// of a killed mutant is stale.
func TestRender(t *testing.T) {
	targets := []Target{{Dir: "pkg/a"}, {Dir: "pkg/b", Include: []string{"b.go", "c.go"}}, {Dir: "pkg/c"}}
	results := map[string]Result{
		"pkg/a": {Package: "pkg/a", Commit: "0123456789ab", Date: "2026-12-04T10:00:00Z", Seconds: 75, Tool: "gremlins v0.6.0", Mutants: []Mutant{
			{File: "pkg/a/a.go", Line: 3, Column: 7, Type: "CONDITIONALS_BOUNDARY", Status: statusLived, Source: "if n > 0 {"},
			{File: "pkg/a/a.go", Line: 4, Column: 2, Type: "INCREMENT_DECREMENT", Status: statusKilled, Source: "n++"},
			{File: "pkg/a/a.go", Line: 9, Column: 9, Type: "CONDITIONALS_NEGATION", Status: statusTimedOut, Source: "for i != n {"},
			{File: "pkg/a/a.go", Line: 12, Column: 4, Type: "ARITHMETIC_BASE", Status: statusNotCovered, Source: "s = s + x"},
			{File: "pkg/a/a.go", Line: 14, Column: 4, Type: "INVERT_ASSIGNMENTS", Status: statusNotViable, Source: `s += "x"`},
		}},
		"pkg/b": {Package: "pkg/b", Commit: "0123456789ab-dirty", Date: "2026-12-04T11:00:00Z", Seconds: 900, Tool: "gremlins v0.6.0", Mutants: []Mutant{
			{File: "pkg/b/b.go", Line: 1, Column: 1, Type: "INVERT_LOGICAL", Status: statusKilled, Source: "return a && b"},
		}},
	}
	accounted := []Accounted{
		{File: "pkg/a/a.go", Type: "CONDITIONALS_BOUNDARY", Column: 7, Source: "if n > 0 {", Reason: "equivalent: n is never 0 here"},
		{File: "pkg/a/a.go", Type: "INCREMENT_DECREMENT", Column: 2, Source: "n++", Reason: "killed since"},
		{File: "pkg/c/c.go", Type: "INCREMENT_DECREMENT", Column: 2, Source: "n++", Reason: "not measured: not stale"},
	}
	rep := render(targets, results, accounted)
	if diff := cmp.Diff([]string{"pkg/a/a.go:12:4"}, wheres(rep.Unaccounted)); diff != "" {
		t.Errorf("unaccounted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Accounted{accounted[1]}, rep.Stale); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Counts{Mutants: 5, Killed: 3, TimedOut: 1, Survived: 2, NotCovered: 1, NotViable: 1}, rep.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	doc, err := os.ReadFile("testdata/doc.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := splice(string(doc), rep)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "doc.golden.md", got)
	if _, err := splice("no markers", rep); err == nil {
		t.Error("splice() into a document without markers succeeded; want an error")
	}
}

func TestParseAccounted(t *testing.T) {
	in := "# comment\n\npkg/a/a.go\tCONDITIONALS_BOUNDARY\t7\tif n > 0 {\tequivalent: n is never 0\n"
	got, err := parseAccounted(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Accounted{{File: "pkg/a/a.go", Type: "CONDITIONALS_BOUNDARY", Column: 7, Source: "if n > 0 {", Reason: "equivalent: n is never 0"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseAccounted() (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"pkg/a/a.go\tX\t7\tsrc\n", "pkg/a/a.go\tX\tseven\tsrc\twhy\n", "pkg/a/a.go\tX\t7\tsrc\t \n"} {
		if _, err := parseAccounted(strings.NewReader(bad)); err == nil {
			t.Errorf("parseAccounted(%q) succeeded; want an error", bad)
		}
	}
}

func wheres(ms []Mutant) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Where())
	}
	return out
}
