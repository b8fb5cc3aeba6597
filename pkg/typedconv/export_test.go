package typedconv

import "reflect"

// Direct reports whether c converts values of struct type t directly, to maps and from them,
// rather than leaving them to the default converter.
func Direct(c *Converter, t reflect.Type) (to, from bool) {
	return c.planOf(t) != nil, c.fromPlanOf(t) != nil
}
