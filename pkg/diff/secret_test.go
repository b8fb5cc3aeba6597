package diff

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func secret(fields ...any) map[string]any {
	return item(append([]any{"apiVersion", "v1", "kind", "Secret"}, fields...)...)
}

// testKey is the redaction key of the tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

func redacted(s string) string { return Redact(testKey, []byte(s)) }

// TestCompareSecret checks that Secret values are compared by plaintext and always masked.
// Every plaintext in the table is a word starting with "pw-", and no "pw-", in the clear or
// base64-encoded, may appear in the result. Folding stringData into data is pkg/normalize's
// work: pkg/check's TestCompareSecretStringData has those cases.
func TestCompareSecret(t *testing.T) {
	tests := []struct {
		name          string
		desired, live map[string]any
		ignore        string
		want          []Field
	}{
		{
			name:    "data and data with the same plaintext",
			desired: secret("data", item("password", b64("pw-one"))),
			live:    secret("data", item("password", b64("pw-one"))),
		},
		{
			name:    "data and data",
			desired: secret("data", item("a", b64("pw-a"), "tls.crt", b64("pw-crt"))),
			live:    secret("data", item("a", b64("pw-a"), "tls.crt", b64("pw-old"))),
			want:    []Field{{Path: `data["tls.crt"]`, Desired: redacted("pw-crt"), Live: redacted("pw-old")}},
		},
		{
			name:    "data against absent live data is reported per key",
			desired: secret("data", item("a", b64("pw-a"), "b", b64("pw-b")), "stringData", item("c", "pw-c")),
			live:    secret(),
			want: []Field{
				{Path: "data.a", Desired: redacted("pw-a")},
				{Path: "data.b", Desired: redacted("pw-b")},
				{Path: "stringData.c", Desired: redacted("pw-c")},
			},
		},
		{
			name:    "stringData left in desired compares with live's, masked",
			desired: secret("stringData", item("k", "pw-new")),
			live:    secret("data", item("k", b64("pw-new")), "stringData", item("k", "pw-old")),
			want:    []Field{{Path: "stringData.k", Desired: redacted("pw-new"), Live: redacted("pw-old")}},
		},
		{
			name:    "data that is not base64 compares as text",
			desired: secret("data", item("k", "pw-not-base64!")),
			live:    secret("data", item("k", b64("pw-live"))),
			want:    []Field{{Path: "data.k", Desired: redacted("pw-not-base64!"), Live: redacted("pw-live")}},
		},
		{
			name:    "data that is not a map",
			desired: secret("data", "pw-text"),
			live:    secret("data", item("k", b64("pw-live"))),
			want: []Field{{
				Path: "data", Desired: redacted("pw-text"),
				Live: redacted(fmt.Sprint(map[string]any{"k": b64("pw-live")})),
			}},
		},
		{
			name:    "type and metadata compare normally",
			desired: secret("type", "Opaque", "metadata", item("labels", item("a", "1"))),
			live:    secret("type", "kubernetes.io/tls", "metadata", item("labels", item("a", "2"))),
			want: []Field{
				{Path: "metadata.labels.a", Desired: "1", Live: "2"},
				{Path: "type", Desired: "Opaque", Live: "kubernetes.io/tls"},
			},
		},
		{
			name:    "metadata fields other than annotations reported whole are not masked",
			desired: secret("metadata", item("labels", map[string]any{})),
			live:    secret("metadata", item("name", "s")),
			want:    []Field{{Path: "metadata.labels", Desired: map[string]any{}}},
		},
		{
			name:    "last-applied annotation is masked",
			desired: secret("metadata", item("annotations", item(lastApplied, "pw-x"))),
			live:    secret("metadata", item("annotations", item(lastApplied, "pw-y"))),
			want: []Field{{
				Path:    `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`,
				Desired: redacted("pw-x"), Live: redacted("pw-y"),
			}},
		},
		{
			name:    "annotations reported whole are masked",
			desired: secret("metadata", item("annotations", "pw-not-a-map")),
			live:    secret("metadata", item("annotations", item(lastApplied, "pw-y"))),
			want: []Field{{
				Path:    "metadata.annotations",
				Desired: redacted("pw-not-a-map"),
				Live:    redacted(fmt.Sprint(item(lastApplied, "pw-y"))),
			}},
		},
		{
			name:    "null or empty data values and absent ones are no drift",
			desired: secret("data", item("n", nil, "e", "", "m", map[string]any{}, "l", []any{})),
			live:    secret("data", item("n", b64("pw-n"))),
		},
		{
			name:    "last-applied annotation absent in live: live is nil, not masked",
			desired: secret("metadata", item("annotations", item(lastApplied, "pw-x"))),
			live:    secret("metadata", item("annotations", item("other", "1"))),
			want: []Field{{
				Path:    `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`,
				Desired: redacted("pw-x"),
			}},
		},
		{
			name:    "ignore applies to secret data",
			desired: secret("data", item("a", b64("pw-a")), "stringData", item("b", "pw-b")),
			live:    secret(),
			ignore:  "data, stringData.b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ignore, err := ParsePaths(tt.ignore)
			if err != nil {
				t.Fatal(err)
			}
			got := Compare(tt.desired, tt.live, Options{Ignore: ignore, SecretKey: testKey})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
			assertNoPlaintext(t, got)
		})
	}
}

// assertNoPlaintext fails if a "pw-" plaintext, in the clear or base64-encoded, is in fields.
func assertNoPlaintext(t *testing.T, fields []Field) {
	t.Helper()
	s := fmt.Sprint(fields)
	for _, needle := range []string{"pw-", b64("pw-")} {
		if strings.Contains(s, needle) {
			t.Errorf("plaintext %q leaked in %s", needle, s)
		}
	}
}

func TestCompareConfigMapDataIsNotMasked(t *testing.T) {
	desired := item("apiVersion", "v1", "kind", "ConfigMap", "data", item("k", "a"))
	live := item("apiVersion", "v1", "kind", "ConfigMap", "data", item("k", "b"))
	want := []Field{{Path: "data.k", Desired: "a", Live: "b"}}
	if diff := cmp.Diff(want, Compare(desired, live, Options{})); diff != "" {
		t.Errorf("Compare() (-want +got):\n%s", diff)
	}
}

func TestRedact(t *testing.T) {
	other := []byte("another key, another process....")
	tests := []struct {
		name      string
		got, want string
	}{
		{"no key, no hash", Redact(nil, []byte("hunter2")), "<redacted>"},
		{"keyed", Redact(testKey, []byte("hunter2")), "<redacted hmac:" + hmacHex(testKey, "hunter2")[:16] + ">"},
		{"same key, same value", Redact(testKey, []byte("hunter2")), Redact(testKey, []byte("hunter2"))},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: Redact() = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if Redact(testKey, []byte("hunter2")) == Redact(other, []byte("hunter2")) {
		t.Error("two keys give the same digits for one value")
	}
	if Redact(testKey, []byte("hunter2")) == Redact(testKey, []byte("hunter3")) {
		t.Error("two values give the same digits under one key")
	}
}

func TestCompareWithoutKeyShowsNoHash(t *testing.T) {
	desired := secret("data", item("pin", b64("pw-1")))
	live := secret("data", item("pin", b64("pw-2")))
	want := []Field{{Path: "data.pin", Desired: Redacted, Live: Redacted}}
	if diff := cmp.Diff(want, Compare(desired, live, Options{})); diff != "" {
		t.Errorf("Compare() (-want +got):\n%s", diff)
	}
}

// TestMask checks the masking of values read outside Compare (a hand-added field): a Secret's
// values under data and stringData as Compare masks them, key by key, and the last-applied
// annotation; any other value, and any value of another kind, as it is.
func TestMask(t *testing.T) {
	cm := item("apiVersion", "v1", "kind", "ConfigMap")
	tests := []struct {
		name string
		obj  map[string]any
		path string
		v    any
		want any
	}{
		{"a data key", secret(), "data.pin", b64("pw-1"), redacted("pw-1")},
		{"a data value that is not base64", secret(), "data.pin", "pw-1!", redacted("pw-1!")},
		{"the whole data, key by key", secret(), "data", item("a", b64("pw-a"), "b", b64("pw-b")), item("a", redacted("pw-a"), "b", redacted("pw-b"))},
		{"a stringData key", secret(), "stringData.pin", "pw-1", redacted("pw-1")},
		{"the last-applied annotation", secret(), `metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]`, "pw-x", redacted("pw-x")},
		{"another annotation", secret(), "metadata.annotations.note", "hi", "hi"},
		{"a Secret's type", secret(), "type", "Opaque", "Opaque"},
		{"a ConfigMap's data", cm, "data.pin", "1234", "1234"},
		{"nothing", secret(), "data.pin", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Mask(tt.obj, mustPath(t, tt.path), tt.v, testKey)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Mask() (-want +got):\n%s", diff)
			}
			// Compare masks a drifted value as Mask does.
			if s, ok := tt.v.(string); ok && tt.path == "data.pin" && tt.obj["kind"] == "Secret" {
				fields := Compare(secret("data", item("pin", b64("pw-git"))), secret("data", item("pin", s)), Options{SecretKey: testKey})
				if len(fields) != 1 || fields[0].Live != got {
					t.Errorf("Compare shows the live value as %v, Mask as %v", fields, got)
				}
			}
		})
	}
}
