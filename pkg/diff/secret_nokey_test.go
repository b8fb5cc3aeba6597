package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompareSecretMaskedWithoutKey checks that a Secret's values, and the last-applied
// annotation that copies them, are masked whether or not Options.SecretKey is set: Options{}
// is what library callers and the webhook's tests use. Without a key a masked value is
// Redacted; with one, its keyed hash.
func TestCompareSecretMaskedWithoutKey(t *testing.T) {
	lastAppliedOf := func(pw string) string {
		return `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db"},"stringData":{"password":"` + pw + `"}}`
	}
	tests := []struct {
		name          string
		desired, live map[string]any
		// want returns the drift expected when masked values read as mask gives them.
		want func(mask func(string) string) []Field
	}{
		{
			name:    "last-applied annotation",
			desired: secret("metadata", item("annotations", item(lastApplied, lastAppliedOf("pw-git"), "team", "a"))),
			live:    secret("metadata", item("annotations", item(lastApplied, lastAppliedOf("pw-live"), "team", "b"))),
			want: func(mask func(string) string) []Field {
				return []Field{
					{Path: `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`,
						Desired: mask(lastAppliedOf("pw-git")), Live: mask(lastAppliedOf("pw-live"))},
					{Path: "metadata.annotations.team", Desired: "a", Live: "b"},
				}
			},
		},
		{
			name:    "annotations reported whole",
			desired: secret("metadata", item("annotations", "pw-not-a-map")),
			live:    secret("metadata", item("annotations", item(lastApplied, lastAppliedOf("pw-live")))),
			want: func(mask func(string) string) []Field {
				return []Field{{Path: "metadata.annotations",
					Desired: mask("pw-not-a-map"), Live: mask(fmt.Sprint(item(lastApplied, lastAppliedOf("pw-live"))))}}
			},
		},
		{
			name:    "metadata reported whole",
			desired: secret("metadata", item("name", "db")),
			live:    secret("metadata", "pw-"+lastAppliedOf("pw-live")),
			want: func(mask func(string) string) []Field {
				return []Field{{Path: "metadata",
					Desired: mask(fmt.Sprint(item("name", "db"))), Live: mask("pw-" + lastAppliedOf("pw-live"))}}
			},
		},
		{
			name:    "data",
			desired: secret("data", item("user", b64("pw-user"), "password", b64("pw-git"))),
			live:    secret("data", item("user", b64("pw-other"), "password", b64("pw-live"))),
			want: func(mask func(string) string) []Field {
				return []Field{
					{Path: "data.password", Desired: mask("pw-git"), Live: mask("pw-live")},
					{Path: "data.user", Desired: mask("pw-user"), Live: mask("pw-other")},
				}
			},
		},
		{
			// pkg/normalize folds stringData into data; one left in an object that was not
			// normalised is compared with live's stringData, and masked all the same.
			name:    "stringData not folded",
			desired: secret("data", item("user", b64("pw-user")), "stringData", item("password", "pw-git")),
			live:    secret("data", item("user", b64("pw-other"), "password", b64("pw-live"))),
			want: func(mask func(string) string) []Field {
				return []Field{
					{Path: "data.user", Desired: mask("pw-user"), Live: mask("pw-other")},
					{Path: "stringData.password", Desired: mask("pw-git")},
				}
			},
		},
		{
			name:    "data Git sets and live lacks",
			desired: secret("stringData", item("password", "pw-git")),
			live:    secret(),
			want: func(mask func(string) string) []Field {
				return []Field{{Path: "stringData.password", Desired: mask("pw-git")}}
			},
		},
	}
	for _, tt := range tests {
		for _, key := range [][]byte{nil, testKey} {
			t.Run(fmt.Sprintf("%s/key %t", tt.name, key != nil), func(t *testing.T) {
				got := Compare(tt.desired, tt.live, Options{SecretKey: key})
				if leaked := leakedPaths(got); len(leaked) > 0 {
					t.Fatalf("Compare() shows a plaintext at %v", leaked) // not the values: test output is output too
				}
				want := tt.want(func(s string) string { return Redact(key, []byte(s)) })
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Compare() (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// leakedPaths returns the paths of the fields whose values hold a "pw-" plaintext, in the
// clear or base64-encoded.
func leakedPaths(fields []Field) []string {
	var out []string
	for _, f := range fields {
		s := fmt.Sprint(f.Desired, f.Live)
		if strings.Contains(s, "pw-") || strings.Contains(s, b64("pw-")) {
			out = append(out, f.Path)
		}
	}
	return out
}
