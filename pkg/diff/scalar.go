package diff

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"
)

// number is a JSON number of any Go type: an integer when isInt, else a float.
type number struct {
	i     int64
	f     float64
	isInt bool
}

// toNumber reads the numbers an unstructured object may hold. It reports false for anything
// else, strings included.
func toNumber(v any) (number, bool) {
	switch n := v.(type) {
	case int64:
		return number{i: n, isInt: true}, true
	case float64:
		return floatNumber(n), true
	case int:
		return number{i: int64(n), isInt: true}, true
	case int32:
		return number{i: int64(n), isInt: true}, true
	case float32:
		// Go through the shortest decimal form, so float32(0.1) equals float64 0.1.
		f, _ := strconv.ParseFloat(strconv.FormatFloat(float64(n), 'g', -1, 32), 64)
		return floatNumber(f), true
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return number{i: i, isInt: true}, true
		}
		f, err := n.Float64()
		return floatNumber(f), err == nil
	case int8, int16, uint, uint8, uint16, uint32, uint64:
		f, _ := strconv.ParseFloat(fmt.Sprint(n), 64)
		return floatNumber(f), true
	}
	return number{}, false
}

// floatNumber keeps a whole float64 that fits an int64 as an integer.
func floatNumber(f float64) number {
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return number{i: int64(f), f: f, isInt: true}
	}
	return number{f: f}
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// scalarEqual compares two scalars: numbers by value whatever their Go type, anything else by
// type and value. Maps and lists are never equal here.
func scalarEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	x, ok := toNumber(a)
	if !ok {
		return false
	}
	y, ok := toNumber(b)
	if !ok {
		return false
	}
	if x.isInt && y.isInt {
		return x.i == y.i
	}
	return x.float() == y.float()
}

// valueEqual compares two scalars, as quantities when s says they are.
func valueEqual(a, b any, s *Schema) bool {
	if s != nil && s.Quantity {
		if eq, ok := quantityEqual(a, b); ok {
			return eq
		}
	}
	return scalarEqual(a, b)
}

// quantityEqual compares a and b as resource.Quantity values. ok is false when either is not
// a quantity.
func quantityEqual(a, b any) (equal, ok bool) {
	if x, isStr := a.(string); isStr {
		if y, isStr := b.(string); isStr && x == y {
			return true, true
		}
	}
	x, err := toQuantity(a)
	if err != nil {
		return false, false
	}
	y, err := toQuantity(b)
	if err != nil {
		return false, false
	}
	return x.Cmp(y) == 0, true
}

func toQuantity(v any) (resource.Quantity, error) {
	if s, ok := v.(string); ok {
		return resource.ParseQuantity(s)
	}
	n, ok := toNumber(v)
	if !ok {
		return resource.Quantity{}, fmt.Errorf("%T is not a quantity", v)
	}
	if n.isInt {
		return *resource.NewQuantity(n.i, resource.DecimalSI), nil
	}
	return resource.ParseQuantity(strconv.FormatFloat(n.f, 'f', -1, 64))
}

// formatScalar renders a scalar as text, as in a KeyedSegment: strings as they are, numbers
// in decimal, booleans as true or false.
func formatScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	}
	if n, ok := toNumber(v); ok {
		if n.isInt {
			return strconv.FormatInt(n.i, 10)
		}
		return strconv.FormatFloat(n.f, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// isEmpty reports whether v is null, an empty string, an empty map or an empty list.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
