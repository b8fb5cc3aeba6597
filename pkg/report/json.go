package report

import (
	"bytes"
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
	enc := json.NewEncoder(indenter{w})
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// indenter writes the JSON an Encoder writes, in one Write, to w indented by two spaces, as
// the Encoder's SetIndent would (json.Indent is the same code). The Encoder's own indenting
// grows its buffer by appending, about twice the report in garbage (a --once report of
// 1,000 objects is 0.3 MB); json.Indent sizes its output from the compact text first.
type indenter struct{ w io.Writer }

func (i indenter) Write(p []byte) (int, error) {
	var b bytes.Buffer
	if err := json.Indent(&b, p, "", "  "); err != nil {
		return 0, err
	}
	if _, err := i.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}
