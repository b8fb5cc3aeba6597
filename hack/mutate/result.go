package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
)

// Statuses of a mutant, as gremlins names them.
const (
	statusKilled     = "KILLED"
	statusLived      = "LIVED"
	statusNotCovered = "NOT COVERED"
	statusTimedOut   = "TIMED OUT"
	statusNotViable  = "NOT VIABLE"
	statusSkipped    = "SKIPPED"
)

// Result is the machine-readable result of mutating one target, as written to
// hack/mutate/results/<name>.json.
type Result struct {
	// Package is the target's directory (pkg/diff).
	Package string `json:"package"`
	// Files are the files mutated, in the target's directory.
	Files []string `json:"files"`
	// Tool is the mutation tester and its version.
	Tool string `json:"tool"`
	// Commit is the commit measured, with "-dirty" when the package had changes not committed.
	Commit string `json:"commit"`
	// Date is when the run ended (RFC 3339, UTC).
	Date string `json:"date"`
	// Seconds is how long the run took.
	Seconds int `json:"seconds"`
	// Mutants are every mutant, by file, line and column.
	Mutants []Mutant `json:"mutants"`
}

// Mutant is one mutation and what the tests made of it.
type Mutant struct {
	// File is the mutated file from the module root (pkg/diff/compare.go).
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	// Type is gremlins' name of the mutation (CONDITIONALS_NEGATION).
	Type string `json:"type"`
	// Status is KILLED, TIMED OUT, LIVED, NOT COVERED, NOT VIABLE or SKIPPED.
	Status string `json:"status"`
	// Source is the mutated line, without its indentation, as it was when measured.
	Source string `json:"source"`
}

// Killed reports whether a test failed on m: it failed, or it ran out of time (the mutant
// made a loop endless).
func (m Mutant) Killed() bool { return m.Status == statusKilled || m.Status == statusTimedOut }

// Survived reports whether m passed every test, or no test ran its line.
func (m Mutant) Survived() bool { return m.Status == statusLived || m.Status == statusNotCovered }

// Where is m's position, file:line:column.
func (m Mutant) Where() string { return fmt.Sprintf("%s:%d:%d", m.File, m.Line, m.Column) }

// gremlinsOutput is the part of gremlins' --output JSON that is read.
type gremlinsOutput struct {
	Files []struct {
		Name      string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// readGremlins converts gremlins' output for the target directory dir, whose mutated files
// are files, into mutants, each with its source line read from the file now.
func readGremlins(data []byte, dir string, files []string) ([]Mutant, error) {
	var g gremlinsOutput
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("decode gremlins output: %w", err)
	}
	out := []Mutant{}
	for _, f := range g.Files {
		if !slices.Contains(files, f.Name) {
			return nil, fmt.Errorf("gremlins mutated %s, which is not among the files of %s", f.Name, dir)
		}
		file := path.Join(dir, f.Name)
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read mutated file: %w", err)
		}
		lines := bytes.Split(src, []byte("\n"))
		for _, m := range f.Mutations {
			if m.Line < 1 || m.Line > len(lines) {
				return nil, fmt.Errorf("%s has no line %d", file, m.Line)
			}
			out = append(out, Mutant{File: file, Line: m.Line, Column: m.Column, Type: m.Type, Status: m.Status,
				Source: strings.TrimSpace(string(lines[m.Line-1]))})
		}
	}
	sortMutants(out)
	return out, nil
}

// sortMutants sorts by file, line, column and type: gremlins reports in the order its workers
// finish.
func sortMutants(ms []Mutant) {
	slices.SortFunc(ms, func(a, b Mutant) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Type, b.Type))
	})
}

// readResult reads a result file.
func readResult(name string) (Result, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return Result{}, err
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return Result{}, fmt.Errorf("decode %s: %w", name, err)
	}
	return r, nil
}

// writeResult writes r to the file name, indented, so that a change shows in a diff.
func writeResult(name string, r Result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(name, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}
