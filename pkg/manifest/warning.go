package manifest

import "fmt"

// Warning is something about a desired object that does not stop it from loading but that its
// author should know: a field the API server drops, a namespace it clears.
type Warning struct {
	// File is the file's name as Object.File gives it.
	File string
	// Line is the 1-based line in File, or 0 when the warning concerns the whole file.
	Line int
	// Message says what is wrong.
	Message string
}

// String returns "file:line: message", or "file: message" when Line is 0.
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return fmt.Sprintf("%s: %s", w.File, w.Message)
}
