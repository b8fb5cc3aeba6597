package auditor

import (
	"hash/maphash"
	"math"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// fingerprint is what the auditor hashes of a compiled target once per desired state:
//   - id stands for everything a check of the target reads of it (Git's object as written, the
//     compared form, the ignore paths, the stringData spelling, the Secret key), so that a
//     result computed against it is reused only for the same target, across reloads too;
//   - mask stands for what the projection of its live object keeps (see project.go): the
//     paths the compared form sets, the key values of the list items it matches by key,
//     and the ignore paths, not the values it wants there. A reload that changes a mask
//     re-lists the target's scope; one that only changes a value (a new image) does not.
//
// Both are 64-bit hashes under a random seed of the process (hash/maphash): two different
// targets get the same id with a probability of 2^-64. The schema is not hashed: entries
// compare its pointer (the schema resolver returns the same one until its kind's CRD changes).
type fingerprint struct {
	id, mask uint64
}

// hasher hashes targets: see fingerprint.
type hasher struct {
	seed maphash.Seed
}

func newHasher() hasher { return hasher{seed: maphash.MakeSeed()} }

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
)

// target returns the fingerprint of t.
func (h hasher) target(t *check.Target) fingerprint {
	want := t.Want
	if want == nil {
		want = t.Obj.Object
	}
	side := uint64(tagList)
	for _, p := range t.Ignore {
		side = combine(side, maphash.String(h.seed, p.String()))
	}
	for _, k := range t.StringData {
		side = combine(side, maphash.String(h.seed, k))
	}
	id := combine(side, h.value(want))
	id = combine(id, h.value(t.Obj.Object))
	id = combine(id, maphash.Bytes(h.seed, t.SecretKey))
	return fingerprint{id: id, mask: combine(side, h.shape(want, t.Schema))}
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

// shape hashes what a projection by v (a target's compared form, whose schema is s) keeps of a
// live object: the keys of every map, the items of every list (by key for a list of maps
// matched by key, whole for a scalar item, by position otherwise), and no other scalar value.
func (h hasher) shape(v any, s *diff.Schema) uint64 {
	switch v := v.(type) {
	case map[string]any:
		sum := uint64(0)
		for k, e := range v {
			sum += mix(combine(maphash.String(h.seed, k), h.shape(e, s.Field(k))))
		}
		return combine(tagMap, sum)
	case []any:
		acc := uint64(tagList)
		var keys []string
		if s != nil && s.ListType == diff.ListMap {
			keys = s.Keys
		}
		for _, e := range v {
			m, isMap := e.(map[string]any)
			if !isMap {
				acc = combine(acc, h.value(e))
				continue
			}
			for _, k := range keys {
				acc = combine(combine(acc, maphash.String(h.seed, k)), h.value(m[k]))
			}
			acc = combine(acc, h.shape(m, s.Item()))
		}
		return acc
	default:
		return tagPresent
	}
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
