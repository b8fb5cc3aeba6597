package manifest

import "fmt"

// Warning is something odd about a manifest that does not stop it from loading, because the
// API server or kubectl accepts it too: a cluster-scoped object with metadata.namespace, say
// (the server clears the field), a field its kind does not have (the server drops it), bytes
// that are not UTF-8 or content that kubectl's reader ignores. Load (or the compilation, for
// dropped fields) has already done what the server or kubectl would do; the warning tells the
// author to fix the file.
type Warning struct {
	// File is the file's name as Object.File gives it.
	File string
	// Line is the 1-based line in File: that of the object's document, or of the odd text.
	Line int
	// Message says what is odd and what was done about it.
	Message string
}

// String returns "file:line: message".
func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
}

// warn records a warning about the object at file:line.
func (l *loader) warn(file string, line int, format string, args ...any) {
	l.warnings = append(l.warnings, Warning{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}
