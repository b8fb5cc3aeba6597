// Package capture collects what code under test writes, log lines and output, safely for a
// writer in one goroutine and a test reading in another.
package capture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
)

// Buffer is a bytes.Buffer safe for concurrent writes and reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// JSONLog collects the lines of a JSON logr.Logger, decoded.
type JSONLog struct {
	mu    sync.Mutex
	lines []map[string]any
}

// Logger returns a logger whose lines JSONLog collects; a line that is not JSON fails t.
func (l *JSONLog) Logger(t testing.TB) logr.Logger {
	return funcr.NewJSON(func(s string) {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Errorf("log line is not JSON: %v: %s", err, s)
		}
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, m)
	}, funcr.Options{})
}

// Lines returns the lines logged so far.
func (l *JSONLog) Lines() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]map[string]any(nil), l.lines...)
}

// Find returns the lines with message msg whose keys have the values in match (compared as
// fmt.Sprint of each).
func (l *JSONLog) Find(msg string, match map[string]any) []map[string]any {
	var out []map[string]any
	for _, line := range l.Lines() {
		if line["msg"] == msg && matches(line, match) {
			out = append(out, line)
		}
	}
	return out
}

func matches(line, match map[string]any) bool {
	for k, v := range match {
		if fmt.Sprint(line[k]) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}
