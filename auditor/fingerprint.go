package auditor

import (
	"hash/maphash"
	"maps"
	"math"
	"slices"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// fingerprint is what the auditor hashes of a compiled target once per desired state:
//   - id stands for everything a check of the target reads of it (the compared form, Git's
//     spelling where it differs (check.Target.Respelled), the ignore paths, the stringData spelling, the Secret key), so that a
//     result computed against it is reused only for the same target, across reloads too;
//   - mask stands for what the projection of its live object keeps and what it means (see
//     project.go): the paths the compared form sets, the key values of the list items it
//     matches by key, the ignore paths, and the values it wants there, since the projection
//     marks the parts equal to them (diff.Project). A reload that changes a mask
//     re-lists the target's scope, a new image too.
//
// Both include the hash of the target's schema (list types and keys, quantities, atomic
// maps): a reload resolves the schemas of custom resources again, as new objects, so their
// pointers cannot tell whether they changed. Both are 64-bit hashes under a random seed of
// the process (hash/maphash): two different targets get the same id with a probability of
// 2^-64. A zero id stands for "unknown" and matches no other.
type fingerprint struct {
	id, mask uint64
}

// hasher hashes targets: see fingerprint.
type hasher struct {
	seed maphash.Seed
}

func newHasher() hasher { return hasher{seed: maphash.MakeSeed()} }

// same reports whether a and b are the fingerprints of the same target.
func (a fingerprint) same(b fingerprint) bool { return a.id != 0 && a.id == b.id }

// sameMask reports whether projections by the targets of a and b keep the same.
func (a fingerprint) sameMask(b fingerprint) bool { return a.id != 0 && b.id != 0 && a.mask == b.mask }

// Tags that keep values of different types, and the parts of a target, apart.
const (
	tagNil uint64 = iota + 0x9e3779b97f4a7c15
	tagTrue
	tagFalse
	tagString
	tagNumber
	tagMap
	tagList
	tagPresent // a scalar a mask does not hash the value of
	tagOther
	tagBack // a recursive schema's reference to one it is part of
)

// target returns the fingerprint of t; schemas holds the hashes of the schemas met so far
// (one per kind), and is added to.
func (h hasher) target(t *check.Target, schemas map[*diff.Schema]uint64) fingerprint {
	sh, ok := schemas[t.Schema]
	if !ok {
		sh = h.schema(t.Schema)
		schemas[t.Schema] = sh
	}
	if sh == 0 {
		return fingerprint{}
	}
	side := combine(tagList, sh)
	for _, p := range t.Ignore {
		side = combine(side, maphash.String(h.seed, p.String()))
	}
	for _, k := range t.StringData {
		side = combine(side, maphash.String(h.seed, k))
	}
	content, shape := h.both(t.Want(), t.Schema)
	id := combine(side, content)
	if t.Respelled() { // Git's spelling, which reports and writes use
		id = combine(id, h.value(t.Written()))
	}
	id = combine(id, maphash.Bytes(h.seed, t.SecretKey))
	// A projection marks what equals Want (diff.Project): a change of a value Git sets
	// re-lists too, so that no copy is read against another Want than the one it was made by.
	return fingerprint{id: max(id, 1), mask: combine(combine(side, shape), content)}
}

// maxSchemaNodes bounds the walk of one schema; a larger one is "unknown".
const maxSchemaNodes = 1 << 20

// schema hashes s: each field by name, in order, list types, keys and key defaults, and the
// quantity, atomic and ordered marks. A reference back to a schema that s is part of (a
// recursive type) is hashed by how far up it points. It returns 0 for a schema too large to
// walk.
func (h hasher) schema(s *diff.Schema) uint64 {
	w := schemaWalk{h: h, budget: maxSchemaNodes}
	sum := w.walk(s)
	if w.budget < 0 {
		return 0
	}
	return max(sum, 1)
}

// schemaWalk is one walk of hasher.schema.
type schemaWalk struct {
	h      hasher
	stack  []*diff.Schema
	budget int
}

func (w *schemaWalk) walk(s *diff.Schema) uint64 {
	if s == nil {
		return tagNil
	}
	for i := len(w.stack) - 1; i >= 0; i-- {
		if w.stack[i] == s {
			return combine(tagBack, uint64(len(w.stack)-i))
		}
	}
	if w.budget--; w.budget < 0 {
		return 0
	}
	w.stack = append(w.stack, s)
	defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	acc := combine(tagMap, w.h.scalar(string(s.ListType)))
	for _, k := range s.Keys {
		acc = combine(acc, maphash.String(w.h.seed, k))
	}
	acc = combine(acc, w.h.value(anyMap(s.KeyDefaults)))
	for _, b := range []bool{s.Quantity, s.Atomic, s.Ordered} {
		acc = combine(acc, w.h.scalar(b))
	}
	acc = combine(acc, w.walk(s.Elem))
	for _, name := range slices.Sorted(maps.Keys(s.Fields)) {
		acc = combine(combine(acc, maphash.String(w.h.seed, name)), w.walk(s.Fields[name]))
	}
	return acc
}

// anyMap returns m as a JSON value: nil when empty.
func anyMap(m map[string]any) any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// value hashes a JSON value: maps by their entries in any order, lists in order.
func (h hasher) value(v any) uint64 {
	switch v := v.(type) {
	case map[string]any:
		sum := uint64(0)
		for k, e := range v {
			sum += mix(combine(maphash.String(h.seed, k), h.value(e)))
		}
		return combine(tagMap, sum)
	case []any:
		acc := uint64(tagList)
		for _, e := range v {
			acc = combine(acc, h.value(e))
		}
		return acc
	default:
		return h.scalar(v)
	}
}

// both returns the hash of v (as value does) and of its shape: what a projection by v (a
// target's compared form, whose schema is s) keeps of a live object. The shape has the keys of
// every map, which values are null, the items of every list by position, and the values of
// the fields that match the items of a list of maps (the schema's keys, else "name"); no other
// scalar value.
func (h hasher) both(v any, s *diff.Schema) (value, shape uint64) {
	switch v := v.(type) {
	case map[string]any:
		var vs, ss uint64
		for k, e := range v {
			kh := maphash.String(h.seed, k)
			ev, es := h.both(e, s.Field(k))
			vs += mix(combine(kh, ev))
			ss += mix(combine(kh, es))
		}
		return combine(tagMap, vs), combine(tagMap, ss)
	case []any:
		value, shape = tagList, tagList
		keys := matchKeys(s)
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				for _, k := range keys {
					shape = combine(combine(shape, maphash.String(h.seed, k)), h.value(m[k]))
				}
			}
			ev, es := h.both(e, s.Item())
			value, shape = combine(value, ev), combine(shape, es)
		}
		return value, shape
	case nil:
		return tagNil, tagNil
	default:
		return h.scalar(v), tagPresent
	}
}

// matchKeys returns the fields whose values match the items of a list of maps whose schema is
// s: the schema's keys, or, without a schema, "name" (see pkg/diff's list matching).
func matchKeys(s *diff.Schema) []string {
	switch {
	case s == nil:
		return []string{"name"}
	case s.ListType == diff.ListMap:
		return s.Keys
	}
	return nil
}

// scalar hashes a JSON scalar: numbers by value, whatever their Go type.
func (h hasher) scalar(v any) uint64 {
	switch v := v.(type) {
	case nil:
		return tagNil
	case bool:
		if v {
			return tagTrue
		}
		return tagFalse
	case string:
		return combine(tagString, maphash.String(h.seed, v))
	case int64:
		return combine(tagNumber, math.Float64bits(float64(v))^uint64(v))
	case int:
		return h.scalar(int64(v))
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
			return h.scalar(int64(v))
		}
		return combine(tagNumber, math.Float64bits(v))
	default:
		return tagOther
	}
}

// combine mixes b into the running hash a, in order.
func combine(a, b uint64) uint64 {
	return mix(a^mix(b)) * 0x9e3779b97f4a7c15
}

// mix is splitmix64's finaliser: every bit of x affects every bit of the result.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
