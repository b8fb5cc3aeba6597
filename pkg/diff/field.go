package diff

// Field is one drifted field: its path in the package's path notation (see Path.String), and the
// desired and live values (nil when absent). The values are shared with the objects given to
// Compare, not copied. Values of Secret data are masked (see Redact) before they reach a Field.
type Field struct {
	Path    string `json:"path"`
	Desired any    `json:"desired"`
	Live    any    `json:"live"`
}
