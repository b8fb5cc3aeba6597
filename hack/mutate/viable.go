package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// mayNotCompile are the mutation types whose mutants may not compile. Gremlins does not
// type-check a mutant, and go test exits 1 when one does not build, exactly as when a test
// fails: without a check, `s += "x"` turned into `s -= "x"`, or the address-of in `&b` turned
// into `|b`, would count as killed. The other types (comparisons, && and ||, ++ and --) always
// compile.
var mayNotCompile = map[string]bool{
	"ARITHMETIC_BASE": true, "INVERT_NEGATIVES": true, "INVERT_ASSIGNMENTS": true, "INVERT_BITWISE": true,
	"INVERT_BWASSIGN": true, "INVERT_LOOPCTRL": true, "REMOVE_SELF_ASSIGNMENTS": true,
}

// compiles reports whether the package in dir builds with the file file replaced by src.
func compiles(ctx context.Context, dir, file string, src []byte) (bool, error) {
	tmp, err := os.MkdirTemp("", "mutate-viable-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp)
	overlay, err := writeOverlay(tmp, file, src)
	if err != nil {
		return false, err
	}
	return buildsWith(ctx, dir, overlay)
}

// buildsWith reports whether the package in dir builds with the go build overlay file
// overlay.
func buildsWith(ctx context.Context, dir, overlay string) (bool, error) {
	err := exec.CommandContext(ctx, "go", "build", "-overlay="+overlay, "./"+dir).Run()
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
		if m.Status != statusKilled && m.Status != statusTimedOut && m.Status != statusNotCovered || !mayNotCompile[m.Type] {
			continue
		}
		mutated, err := m.source()
		if err != nil {
			return err
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
