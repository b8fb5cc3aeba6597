package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// tokenSwaps are gremlins' operator replacements by mutation type (its
// internal/engine/mappings.go, v0.6.0): what mutateTree applies to the syntax tree, as
// gremlins does.
var tokenSwaps = map[string]map[token.Token]token.Token{
	"ARITHMETIC_BASE":         {token.ADD: token.SUB, token.MUL: token.QUO, token.QUO: token.MUL, token.REM: token.MUL, token.SUB: token.ADD},
	"CONDITIONALS_BOUNDARY":   {token.GTR: token.GEQ, token.LSS: token.LEQ, token.GEQ: token.GTR, token.LEQ: token.LSS},
	"CONDITIONALS_NEGATION":   {token.EQL: token.NEQ, token.NEQ: token.EQL, token.LEQ: token.GTR, token.GTR: token.LEQ, token.LSS: token.GEQ, token.GEQ: token.LSS},
	"INCREMENT_DECREMENT":     {token.INC: token.DEC, token.DEC: token.INC},
	"INVERT_LOGICAL":          {token.LAND: token.LOR, token.LOR: token.LAND},
	"INVERT_NEGATIVES":        {token.SUB: token.ADD},
	"INVERT_LOOPCTRL":         {token.BREAK: token.CONTINUE, token.CONTINUE: token.BREAK},
	"INVERT_ASSIGNMENTS":      {token.ADD_ASSIGN: token.SUB_ASSIGN, token.MUL_ASSIGN: token.QUO_ASSIGN, token.QUO_ASSIGN: token.MUL_ASSIGN, token.REM_ASSIGN: token.REM_ASSIGN, token.SUB_ASSIGN: token.ADD_ASSIGN},
	"INVERT_BITWISE":          {token.AND: token.OR, token.OR: token.AND, token.XOR: token.AND, token.AND_NOT: token.AND, token.SHL: token.SHR, token.SHR: token.SHL},
	"INVERT_BWASSIGN":         {token.AND_ASSIGN: token.OR_ASSIGN, token.OR_ASSIGN: token.AND_ASSIGN, token.XOR_ASSIGN: token.AND_ASSIGN, token.AND_NOT_ASSIGN: token.AND_ASSIGN, token.SHL_ASSIGN: token.SHR_ASSIGN, token.SHR_ASSIGN: token.SHL_ASSIGN},
	"REMOVE_SELF_ASSIGNMENTS": {token.ADD_ASSIGN: token.ASSIGN, token.AND_ASSIGN: token.ASSIGN, token.AND_NOT_ASSIGN: token.ASSIGN, token.MUL_ASSIGN: token.ASSIGN, token.OR_ASSIGN: token.ASSIGN, token.QUO_ASSIGN: token.ASSIGN, token.REM_ASSIGN: token.ASSIGN, token.SHL_ASSIGN: token.ASSIGN, token.SHR_ASSIGN: token.ASSIGN, token.SUB_ASSIGN: token.ASSIGN, token.XOR_ASSIGN: token.ASSIGN},
}

// mutateTree returns src with the mutant m applied as gremlins applies it: the operator at
// m's position replaced in the syntax tree, and the file printed again, with the parentheses
// the new operator's precedence needs (`a && b && c` becomes `(a || b) && c`, not
// `a || b && c`).
func mutateTree(src []byte, m Mutant) ([]byte, error) {
	sw, ok := tokenSwaps[m.Type]
	if !ok {
		return nil, fmt.Errorf("%s: unknown mutation type %s", m.Where(), m.Type)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, m.File, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	at := func(p token.Pos) bool {
		pos := fset.Position(p)
		return pos.Line == m.Line && pos.Column == m.Column
	}
	done := false
	swap := func(tok *token.Token) {
		if to, ok := sw[*tok]; ok {
			*tok, done = to, true
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if done {
			return false
		}
		switch x := n.(type) {
		case *ast.BinaryExpr:
			if at(x.OpPos) {
				swap(&x.Op)
			}
		case *ast.UnaryExpr:
			if at(x.OpPos) {
				swap(&x.Op)
			}
		case *ast.AssignStmt:
			if at(x.TokPos) {
				swap(&x.Tok)
			}
		case *ast.IncDecStmt:
			if at(x.TokPos) {
				swap(&x.Tok)
			}
		case *ast.BranchStmt:
			if at(x.TokPos) {
				swap(&x.Tok)
			}
		}
		return true
	})
	if !done {
		return nil, fmt.Errorf("%s: no operator that %s replaces", m.Where(), m.Type)
	}
	var out bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&out, fset, f); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// source returns the mutant's file as it is with the mutant applied.
func (m *Mutant) source() ([]byte, error) {
	src, err := os.ReadFile(m.File)
	if err != nil {
		return nil, err
	}
	return mutateTree(src, *m)
}

// testUncovered runs the -short tests of dir against each mutant gremlins left NOT COVERED.
// gremlins reads coverage from `go test -cover`, which misses some code the tests do run (an
// if's condition after a function literal in the same header, a switch case's expression):
// such mutants it never tests. A mutant whose tests fail is KILLED; one whose tests pass
// LIVED; one that does not build is NOT VIABLE; one whose tests outrun timeout TIMED OUT.
//
// With lived, the mutants that lived are tested again too: against tests added since.
func testUncovered(ctx context.Context, dir string, ms []Mutant, lived bool, timeout time.Duration, out io.Writer) error {
	for i := range ms {
		m := &ms[i]
		if m.Status != statusNotCovered && (!lived || m.Status != statusLived) {
			continue
		}
		mutated, err := m.source()
		if err != nil {
			return err
		}
		status, err := testWith(ctx, dir, m.File, mutated, timeout)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "mutate: %s %s (%s), tested again: %s\n", m.Where(), m.Type, strings.ToLower(m.Status), status)
		m.Status = status
	}
	return nil
}

// testWith runs the -short tests of the package in dir with file replaced by src, and
// returns the mutant's status.
func testWith(ctx context.Context, dir, file string, src []byte, timeout time.Duration) (string, error) {
	tmp, err := os.MkdirTemp("", "mutate-uncovered-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	overlay, err := writeOverlay(tmp, file, src)
	if err != nil {
		return "", err
	}
	if built, err := buildsWith(ctx, dir, overlay); err != nil || !built {
		return statusNotViable, err
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(tctx, "go", "test", "-short", "-count=1", "-overlay="+overlay, "./"+dir)
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case tctx.Err() != nil && ctx.Err() == nil:
		return statusTimedOut, nil
	case errors.As(err, &exit):
		return statusKilled, nil
	case err != nil:
		return "", fmt.Errorf("go test %s: %w", dir, err)
	}
	return statusLived, nil
}

// writeOverlay writes src and a go build overlay replacing file with it into tmp, and returns
// the overlay's path.
func writeOverlay(tmp, file string, src []byte) (string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	mutated := filepath.Join(tmp, filepath.Base(file))
	if err := os.WriteFile(mutated, src, 0o644); err != nil {
		return "", err
	}
	data, err := json.Marshal(map[string]map[string]string{"Replace": {abs: mutated}})
	if err != nil {
		return "", err
	}
	overlay := filepath.Join(tmp, "overlay.json")
	return overlay, os.WriteFile(overlay, data, 0o644)
}
