package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// roundTrip decodes text as reading did before yamlValue: YAML to JSON, then JSON to values.
func roundTrip(text []byte) (any, error) {
	j, err := yaml.YAMLToJSONStrict(text)
	if err != nil {
		return nil, err
	}
	var v any
	err = utiljson.Unmarshal(j, &v)
	return v, err
}

// yamlValueCases are documents that yamlValue converts (direct) or leaves to the round trip.
var yamlValueCases = []struct {
	name   string
	text   string
	direct bool
}{
	{"configmap", cm + "a\ndata:\n  k: v\n  one: \"1\"\n", true},
	{"key read as a boolean", "n: 1\n", false},
	{"integers", "a: 1\nb: -0\nc: 0x1F\nd: 9223372036854775807\ne: -9223372036854775808\nf: 0o17\ng: 017\n", true},
	{"beyond int64", "a: 9223372036854775808\nb: 18446744073709551615\nc: 18446744073709551616\nd: -9223372036854775809\n", true},
	{"floats", "a: 1.0\nb: 0.5\nc: -0.0\nd: 1e21\ne: 1e20\nf: 1.5e-7\ng: 9.223372036854775807e18\nh: 3.\ni: .5\nj: 1e400\n", true},
	{"scalars yaml 1.1", "a: yes\nb: off\nc: ~\nd: null\ne: ''\nf: 2001-12-14t21:59:43.10-05:00\ng: 0b101\nh: 1_000\n", true},
	{"strings", "a: \"\\u2028<&>\"\nb: |\n  x\n  y\nc: >-\n  folded\n  text\nd: \"\\t\\\"\"\n", true},
	{"nested", "a: {b: [1, {c: [[], {}]}, null]}\nd: []\ne: {}\n", true},
	{"anchors and merge", "base: &b {x: 1, z: [1, 2]}\nthis:\n  <<: *b\n  w: 3\nagain: *b\n", true},
	{"top-level list", "- 1\n- a\n", true},
	{"top-level scalar", "just text\n", true},
	{"top-level null", "~\n", true},
	{"empty", "", true},
	{"comment only", "# nothing\n", true},
	{"integer key", "1: a\n", false},
	{"bool key", "true: a\n", false},
	{"float key", "1.5: a\n", false},
	{"null key", "~: a\n", false},
	{"infinity", "a: .inf\n", false},
	{"nan", "a: .nan\n", false},
	{"escaped byte", "a: \"\\xff\"\n", true},
	{"invalid UTF-8", "a: \"\xff\"\n", false},
	{"binary", "a: !!binary aGVsbG8=\n", true},
	{"timestamp tag", "a: !!timestamp 2001-12-14\n", true},
	{"duplicate key", "a: 1\na: 2\n", false},
	{"duplicate nested key", "a:\n  b: 1\n  c: 2\n  b: 3\n", false},
	{"same key as integer and string", "x: {1: a, \"1\": b}\n", false},
	{"top-level empty mapping", "{}\n", true},
	{"top-level empty list", "[]\n", true},
	{"top-level list of key and value", "- key: a\n  value: b\n- {}\n- ~\n", true},
	{"indented after a comment", "# c\n\n  a: 1\n  b: [x]\n", true},
	{"quoted keys", "'a': 1\n\"b\": {c: 2}\n", true},
	{"tagged mapping", "!!map {a: 1}\n", true},
	{"started by a marker", "--- \na: 1\n", true},
	{"alias of a mapping", "a: &x {b: 1, c: [d]}\ne: *x\nf: [*x]\n", true},
	{"merge of several", "a: &x {b: 1}\nc: &y {d: 3}\ne: {<<: [*x, *y], f: 4}\n", true},
	{"mapping as key", "? {a: 1}\n: b\n", false},
	{"syntax error", "a: [\n", false},
	{"deep", strings.Repeat("[", maxDirectDepth+2) + strings.Repeat("]", maxDirectDepth+2) + "\n", false},
}

// TestYAMLValue checks that yamlValue gives what the JSON round trip gives, for the
// documents it converts, and that it leaves the others to the round trip.
func TestYAMLValue(t *testing.T) {
	for _, tc := range yamlValueCases {
		t.Run(tc.name, func(t *testing.T) {
			got, direct := yamlValue([]byte(tc.text))
			if direct != tc.direct {
				t.Fatalf("yamlValue converted = %v, want %v", direct, tc.direct)
			}
			if !direct {
				return
			}
			want, err := roundTrip([]byte(tc.text))
			if err != nil {
				t.Fatalf("the round trip fails (%v) where yamlValue converts", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("yamlValue (-round trip +got):\n%s", diff)
			}
		})
	}
}

// FuzzYAMLValue checks that whatever yamlValue converts, it converts as the round trip does.
func FuzzYAMLValue(f *testing.F) {
	for _, tc := range yamlValueCases {
		f.Add([]byte(tc.text))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		got, direct := yamlValue(text)
		if !direct {
			return
		}
		want, err := roundTrip(text)
		if err != nil {
			t.Fatalf("the round trip fails (%v) where yamlValue converts", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("yamlValue (-round trip +got):\n%s", diff)
		}
	})
}
