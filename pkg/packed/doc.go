// Package packed holds JSON-like trees compactly and rebuilds them on demand.
//
// The trees are those encoding/json and the unstructured converter of apimachinery build:
// map[string]any, []any, string, int64, float64, bool and nil. A Go map costs a few hundred
// bytes however few its entries, and a Kubernetes object is mostly small maps, so a tree held
// for a long time but read now and then (the desired state of a manifest set) is cheaper held
// as bytes. A Packer packs each tree into a Tree: its shape as a byte string of tags and
// varints, its leaves (strings, numbers, booleans) and map keys as indexes into tables the
// Packer keeps for all the trees it packs, each distinct leaf boxed once. Tree.Thaw rebuilds
// a fresh tree that allocates only its maps and lists: every string and number in it is the
// table's, boxed already.
//
// A value of another type in a tree is kept as a leaf as it is (not copied, and not held once
// with equal ones): Thaw returns it itself.
package packed
