package share

import "unique"

// Interned returns v, a JSON value, as the one copy that every equal string shares, if it is
// a string; any other value as it is. For the strings many objects repeat, one at a time
// (an informer's transform), where a Table, which shares whole trees, is not at hand:
// apiVersion, kind and namespace, the managers and field sets of managedFields.
//
// The copies are unique.Make's, held weakly: while no caller holds their Handle, a
// collection forgets a copy (which lives on while an object holds it), and a string interned
// after it gets a new one. Values interned between two collections share, as those of an
// informer's list do; a caller that must keep sharing across collections holds the Handles
// (unique.Make of the value returned). The string is interned first (unique.Make clones a
// new string, so that the copy never holds on to a larger buffer it was cut from), then its
// boxed form, which it does not clone, so that the 16-byte box is shared too.
func Interned(v any) any {
	if s, ok := v.(string); ok {
		return unique.Make[any](unique.Make(s).Value()).Value()
	}
	return v
}
