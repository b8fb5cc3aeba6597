package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// absent stands for a value that is not set on one side.
const absent = "<absent>"

// FormatValue renders a field's value on one line, whole, for the reports and the messages of
// the webhook: nil as <absent>; a string as it is, or quoted as Go quotes it when it would not
// print as it is (Printable); anything else as compact JSON, with <, > and & as they are.
// Values are shown as they arrive: Secret data must be masked before.
func FormatValue(v any) string {
	switch v := v.(type) {
	case nil:
		return absent
	case string:
		if Printable(v) {
			return v
		}
		return strconv.Quote(v)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Printable reports whether s prints as it is on one line: valid UTF-8 of printable
// characters and spaces, without a line break, a tab or another control character (which a
// terminal may act on, and an admission warning's header refuses), nor an invisible one.
func Printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}
