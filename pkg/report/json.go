package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// JSON writes r to w as JSON indented by two spaces, followed by a newline. Keys follow the
// order of the struct fields; lists are written as [] rather than null when empty. HTML
// characters are not escaped.
func JSON(w io.Writer, r Report) error {
	r.Resources = normalize(r.Resources)
	if r.StaleSince != nil {
		utc := r.StaleSince.UTC()
		r.StaleSince = &utc
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}
