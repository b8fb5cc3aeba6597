package remediate

// CarriedIDs names every entry of the carry list, as TestReplaceCarries's cases name the
// entries they test: "<Kind.group or *> <path>".
func CarriedIDs() []string {
	out := make([]string, len(carried))
	for i, c := range carried {
		kind := c.kind.String()
		if kind == "" {
			kind = "*"
		}
		out[i] = kind + " " + c.path.String()
	}
	return out
}
