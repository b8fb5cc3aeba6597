package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Target is one package to mutate: its directory and, when not all of its files, the files
// to mutate.
type Target struct {
	// Dir is the package's directory, from the module root (pkg/diff).
	Dir string
	// Include are the file names to mutate; empty means every non-test file.
	Include []string
}

// Name is the file name of the target's result: its directory with dashes (pkg-diff).
func (t Target) Name() string {
	return strings.ReplaceAll(t.Dir, "/", "-")
}

// parseTargets reads a targets file: a directory per line, optionally followed by the files
// to mutate; blank lines and lines starting with # are skipped.
func parseTargets(r io.Reader) ([]Target, error) {
	var out []Target
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		fields := strings.Fields(s.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		t := Target{Dir: filepath.ToSlash(filepath.Clean(fields[0])), Include: fields[1:]}
		for _, f := range t.Include {
			if strings.Contains(f, "/") || !strings.HasSuffix(f, ".go") || strings.HasSuffix(f, "_test.go") {
				return nil, fmt.Errorf("line %d: %q is not a file name of a non-test Go file", n, f)
			}
		}
		if slices.ContainsFunc(out, func(o Target) bool { return o.Dir == t.Dir }) {
			return nil, fmt.Errorf("line %d: %s listed twice", n, t.Dir)
		}
		out = append(out, t)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("read targets: %w", err)
	}
	return out, nil
}

// sources returns the non-test Go files of the directory dir, sorted.
func sources(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			out = append(out, n)
		}
	}
	return out, nil
}

// split returns the files of srcs the target mutates and those it leaves out. An included file
// that srcs lacks is an error: the targets file is out of date.
func (t Target) split(srcs []string) (mutated, excluded []string, err error) {
	if len(t.Include) == 0 {
		return srcs, nil, nil
	}
	for _, f := range t.Include {
		if !slices.Contains(srcs, f) {
			return nil, nil, fmt.Errorf("%s: no file %s", t.Dir, f)
		}
	}
	for _, f := range srcs {
		if slices.Contains(t.Include, f) {
			mutated = append(mutated, f)
		} else {
			excluded = append(excluded, f)
		}
	}
	return mutated, excluded, nil
}

// excludeFlags returns gremlins' flags that leave out the files excluded (names within the
// target's directory, which is how gremlins matches them).
func excludeFlags(excluded []string) []string {
	var out []string
	for _, f := range excluded {
		out = append(out, "--exclude-files", "^"+regexp.QuoteMeta(f)+"$")
	}
	return out
}
