package diff

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"metadata.labels.env", `metadata.labels["app.kubernetes.io/name"]`,
		"spec.ports[port=80,protocol=TCP].targetPort", `l[name="a,b"][2][*]`, `["a\"b"]`, "x[", "a..b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		text := p.String()
		again, err := ParsePath(text)
		if err != nil {
			t.Fatalf("ParsePath(%q) = %v, but ParsePath of its String %q fails: %v", s, p, text, err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("ParsePath(String()) of %q (%q) changed (-first +second):\n%s", s, text, diff)
		}
		if again.String() != text {
			t.Fatalf("String() not stable: %q then %q", text, again.String())
		}
		if !p.Covers(again) {
			t.Fatalf("%q does not cover itself", text)
		}
	})
}

func FuzzCompare(f *testing.F) {
	f.Add(`{"a":1,"l":[{"name":"x"}]}`, `{"a":1.0,"l":[{"name":"y"},{"name":"x","b":2}]}`)
	f.Add(`{"apiVersion":"v1","kind":"Secret","data":{"k":"YQ=="},"stringData":{"k":"b"}}`, `{"data":{"k":"Yg=="}}`)
	f.Add(`{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}],"resources":{"limits":{"cpu":"1"}}}]}}}}`,
		`{"spec":{"template":{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{"limits":{"cpu":1}}}]}}}}`)
	f.Add(`{"metadata":{"finalizers":["a","b"]},"status":{}}`, `{"metadata":{"finalizers":"x"}}`)
	schema := deploymentSchema()
	f.Fuzz(func(t *testing.T, a, b string) {
		var x, y map[string]any
		if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
			return
		}
		Compare(x, y, Options{Schema: schema})
		Compare(x, y, Options{})
		for _, s := range []*Schema{schema, nil} {
			// A copy walks every value; x itself takes the walker's shortcut for a map or
			// list compared with itself, which this proves sound.
			if got := Compare(x, copyValue(x).(map[string]any), Options{Schema: s}); got != nil {
				t.Fatalf("Compare(x, copy of x) = %v, want no drift", got)
			}
			if got := Compare(x, x, Options{Schema: s}); got != nil {
				t.Fatalf("Compare(x, x) = %v, want no drift", got)
			}
		}
	})
}
