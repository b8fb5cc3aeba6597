package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// swaps are gremlins' token replacements by mutation type (its internal/engine/mappings.go,
// v0.6.0), for the types whose mutants may not compile. Gremlins does not type-check a
// mutant, and go test exits 1 when one does not build, exactly as when a test fails: without
// a check, `s += "x"` turned into `s -= "x"`, or the address-of in `&b` turned into `|b`,
// would count as killed. The other types (comparisons, && and ||, ++ and --) always compile.
func swaps(typ string) map[string]string {
	switch typ {
	case "ARITHMETIC_BASE":
		return map[string]string{"+": "-", "*": "/", "/": "*", "%": "*", "-": "+"}
	case "INVERT_NEGATIVES":
		return map[string]string{"-": "+"}
	case "INVERT_ASSIGNMENTS":
		return map[string]string{"+=": "-=", "*=": "/=", "/=": "*=", "%=": "%=", "-=": "+="}
	case "INVERT_BITWISE":
		return map[string]string{"&": "|", "|": "&", "^": "&", "&^": "&", "<<": ">>", ">>": "<<"}
	case "INVERT_BWASSIGN":
		return map[string]string{"&=": "|=", "|=": "&=", "^=": "&=", "&^=": "&=", "<<=": ">>=", ">>=": "<<="}
	case "INVERT_LOOPCTRL":
		return map[string]string{"break": "continue", "continue": "break"}
	case "REMOVE_SELF_ASSIGNMENTS":
		return map[string]string{"+=": "=", "&=": "=", "&^=": "=", "*=": "=", "|=": "=", "/=": "=",
			"%=": "=", "<<=": "=", ">>=": "=", "-=": "=", "^=": "="}
	}
	return nil
}

// applyMutant returns src with the mutation m applied, or false when m's type always
// compiles. The token at m's line and column must be one the type replaces.
func applyMutant(src []byte, m Mutant) ([]byte, bool, error) {
	sw := swaps(m.Type)
	if sw == nil {
		return nil, false, nil
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if m.Line < 1 || m.Line > len(lines) || m.Column < 1 || m.Column > len(lines[m.Line-1]) {
		return nil, false, fmt.Errorf("%s: no such position", m.Where())
	}
	line := lines[m.Line-1]
	at := line[m.Column-1:]
	from := ""
	for tok := range sw {
		if bytes.HasPrefix(at, []byte(tok)) && len(tok) > len(from) {
			from = tok
		}
	}
	if from == "" {
		return nil, false, fmt.Errorf("%s: no token that %s replaces", m.Where(), m.Type)
	}
	mutated := append(append(append([]byte{}, line[:m.Column-1]...), sw[from]...), at[len(from):]...)
	var out bytes.Buffer
	for i, l := range lines {
		if i == m.Line-1 {
			l = mutated
		}
		out.Write(l)
	}
	return out.Bytes(), true, nil
}

// compiles reports whether the package in dir builds with the file file replaced by src.
func compiles(ctx context.Context, dir, file string, src []byte) (bool, error) {
	tmp, err := os.MkdirTemp("", "mutate-viable-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	abs, err := filepath.Abs(file)
	if err != nil {
		return false, err
	}
	mutated := filepath.Join(tmp, filepath.Base(file))
	if err := os.WriteFile(mutated, src, 0o644); err != nil {
		return false, err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {abs: mutated}})
	if err != nil {
		return false, err
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		return false, err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-overlay="+overlayFile, "./"+dir)
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return false, nil // the package built before the mutation: the mutant does not
	}
	if err != nil {
		return false, fmt.Errorf("go build %s: %w", dir, err)
	}
	return true, nil
}

// markNotViable sets the status of the mutants of dir that do not compile to NOT VIABLE: the
// killed and not-covered ones of the types that may not compile (one that lived compiled).
func markNotViable(ctx context.Context, dir string, ms []Mutant) error {
	for i := range ms {
		m := &ms[i]
		if m.Status != statusKilled && m.Status != statusTimedOut && m.Status != statusNotCovered {
			continue
		}
		src, err := os.ReadFile(m.File)
		if err != nil {
			return err
		}
		mutated, ok, err := applyMutant(src, *m)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		built, err := compiles(ctx, dir, m.File, mutated)
		if err != nil {
			return err
		}
		if !built {
			m.Status = statusNotViable
		}
	}
	return nil
}
