// Package share holds the equal parts of JSON-like trees once (hash-consing).
//
// The trees are those encoding/json and the unstructured converter of apimachinery build:
// map[string]any, []any, string, int64, float64, bool and nil. A Table gives each distinct
// value, deep and typed (int64(1) is not float64(1)), one node, and returns trees made of
// those nodes: an equal labels map, probe, env entry or label value, within one object or
// across many, is then held once. The trees it returns are shared, so they must never be
// written; a caller that needs to write deep-copies first.
package share
