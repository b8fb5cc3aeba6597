package check_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/check"
	"github.com/gitops-drift/gitops-drift/pkg/diff"
	"github.com/gitops-drift/gitops-drift/pkg/manifest"
	"github.com/gitops-drift/gitops-drift/pkg/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// testKey is the redaction key of the tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

func redacted(s string) string { return diff.Redact(testKey, []byte(s)) }

// secretTarget compiles the Secret "s" whose fields after its metadata are fields (YAML),
// with the global ignore paths ignore.
func secretTarget(t *testing.T, fields, ignore string) *check.Target {
	t.Helper()
	src := "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: app}\n" + fields
	set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(src)}}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	paths, err := diff.ParsePaths(ignore)
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, "rev", schema.NewResolver(nil), paths)
	if err != nil {
		t.Fatal(err)
	}
	return &d.Targets[0]
}

// TestCompareSecretStringData checks a Secret whose Git manifest spells keys under stringData:
// folded into data when compiled, they compare with live data by plaintext, and drift is
// reported at stringData.K, where Git has it, in the place a walk of Git's object would find
// it. Every plaintext is a word starting with "pw-", and none, in the clear or base64-encoded,
// may appear in the result. (The stringData cases of pkg/diff's TestCompareSecret, moved here
// with the fold.)
func TestCompareSecretStringData(t *testing.T) {
	tests := []struct {
		name   string
		fields string
		ignore string
		live   map[string]any
		want   []diff.Field
	}{
		{
			name:   "stringData and data with the same plaintext",
			fields: "stringData: {password: pw-one}",
			live:   map[string]any{"data": map[string]any{"password": b64("pw-one")}},
		},
		{
			name:   "stringData and data with different plaintexts",
			fields: "stringData: {password: pw-two}",
			live:   map[string]any{"data": map[string]any{"password": b64("pw-one")}},
			want:   []diff.Field{{Path: "stringData.password", Desired: redacted("pw-two"), Live: redacted("pw-one")}},
		},
		{
			name:   "data against absent live data is reported per key",
			fields: "data: {a: " + b64("pw-a") + ", b: " + b64("pw-b") + "}\nstringData: {c: pw-c}",
			live:   map[string]any{},
			want: []diff.Field{
				{Path: "data.a", Desired: redacted("pw-a")},
				{Path: "data.b", Desired: redacted("pw-b")},
				{Path: "stringData.c", Desired: redacted("pw-c")},
			},
		},
		{
			name:   "stringData wins over data for the same key",
			fields: "data: {k: " + b64("pw-old") + "}\nstringData: {k: pw-new}",
			live:   map[string]any{"data": map[string]any{"k": b64("pw-new")}},
		},
		{
			name:   "a key in both, changed live, is reported as stringData",
			fields: "data: {k: " + b64("pw-old") + "}\nstringData: {k: pw-new}",
			live:   map[string]any{"data": map[string]any{"k": b64("pw-old")}},
			want:   []diff.Field{{Path: "stringData.k", Desired: redacted("pw-new"), Live: redacted("pw-old")}},
		},
		{
			name:   "an empty value",
			fields: `stringData: {e: ""}`,
			live:   map[string]any{"data": map[string]any{"e": b64("pw-e")}},
			want:   []diff.Field{{Path: "stringData.e", Desired: redacted(""), Live: redacted("pw-e")}},
		},
		{
			name:   "a key that needs quoting",
			fields: "stringData: {tls.key: pw-new}",
			live:   map[string]any{"data": map[string]any{"tls.key": b64("pw-old")}},
			want:   []diff.Field{{Path: `stringData["tls.key"]`, Desired: redacted("pw-new"), Live: redacted("pw-old")}},
		},
		{
			name:   "fields in the order of Git's object",
			fields: "type: Opaque\ndata: {z: " + b64("pw-z") + "}\nstringData: {a: pw-a}",
			live: map[string]any{"type": "kubernetes.io/tls", "metadata": map[string]any{"name": "s"},
				"data": map[string]any{"a": b64("pw-b"), "z": b64("pw-y")}},
			want: []diff.Field{
				{Path: "data.z", Desired: redacted("pw-z"), Live: redacted("pw-y")},
				{Path: "metadata.namespace", Desired: "app"},
				{Path: "stringData.a", Desired: redacted("pw-a"), Live: redacted("pw-b")},
				{Path: "type", Desired: "Opaque", Live: "kubernetes.io/tls"},
			},
		},
		{
			name:   "ignore applies to secret data",
			fields: "data: {a: " + b64("pw-a") + "}\nstringData: {b: pw-b}",
			ignore: "data, stringData.b",
			live:   map[string]any{},
		},
		{
			name:   "ignoring stringData ignores only the keys Git spells there",
			fields: "data: {a: " + b64("pw-a") + "}\nstringData: {b: pw-b, c: pw-c}",
			ignore: "stringData",
			live:   map[string]any{},
			want:   []diff.Field{{Path: "data.a", Desired: redacted("pw-a")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := secretTarget(t, tt.fields, tt.ignore)
			tg.SecretKey = testKey
			live := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s", "namespace": "app"}}
			for k, v := range tt.live {
				live[k] = v
			}
			got := tg.Compare(live)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, tg.CompareRequest(live)); diff != "" {
				t.Errorf("CompareRequest() (-want +got):\n%s", diff)
			}
			assertNoPlaintext(t, got)
		})
	}
}

// assertNoPlaintext fails if a "pw-" plaintext, in the clear or base64-encoded, is in fields.
func assertNoPlaintext(t *testing.T, fields []diff.Field) {
	t.Helper()
	s := fmt.Sprint(fields)
	for _, needle := range []string{"pw-", b64("pw-")} {
		if strings.Contains(s, needle) {
			t.Errorf("plaintext %q leaked in %s", needle, s)
		}
	}
}

// TestCompareSecretWithoutKeyShowsNoHash: without a redaction key, Secret values show as
// diff.Redacted. (Moved from pkg/diff with the fold.)
func TestCompareSecretWithoutKeyShowsNoHash(t *testing.T) {
	tg := secretTarget(t, "stringData: {pin: pw-1}", "")
	live := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s", "namespace": "app"},
		"data": map[string]any{"pin": b64("pw-2")}}
	want := []diff.Field{{Path: "stringData.pin", Desired: diff.Redacted, Live: diff.Redacted}}
	if diff := cmp.Diff(want, tg.Compare(live)); diff != "" {
		t.Errorf("Compare() (-want +got):\n%s", diff)
	}
}

// TestCompareSecretGolden compiles testdata/secret.desired.json, compares it with
// testdata/secret.live.json and checks the drift, as JSON, against testdata/secret.golden.json.
// Run with -update to rewrite the golden file. (Moved from pkg/diff with the fold.)
func TestCompareSecretGolden(t *testing.T) {
	desired, err := os.ReadFile(filepath.Join("testdata", "secret.desired.json"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := manifest.LoadFS(fstest.MapFS{"secret.json": {Data: desired}}, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := check.Compile(set, "rev", schema.NewResolver(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "secret.live.json"))
	if err != nil {
		t.Fatal(err)
	}
	var live map[string]any
	if err := json.Unmarshal(raw, &live); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d.Targets[0].Compare(live)); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	golden := filepath.Join("testdata", "secret.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Compare() as JSON (-want +got):\n%s", diff)
	}
	for _, secret := range []string{"hunter2", "s3cr3t", "czNjcjN0", "aHVudGVy"} {
		if strings.Contains(string(got), secret) {
			t.Errorf("secret %q leaked into %s", secret, got)
		}
	}
}

// TestStringDataIgnore checks how an ignore path under stringData applies to a key Git spells
// there (folded into data): it covers the key in data; a key Git spells under data stays
// compared; an empty path still covers everything.
func TestStringDataIgnore(t *testing.T) {
	live := func(data map[string]any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s", "namespace": "app"}, "data": data}
	}
	tests := []struct {
		name   string
		fields string
		ignore []diff.Path
		live   map[string]any
		want   []string
	}{
		{
			name:   "a stringData key ignored",
			fields: "stringData: {b: pw-b}\n",
			ignore: []diff.Path{{{Kind: diff.FieldSegment, Name: "stringData"}, {Kind: diff.FieldSegment, Name: "b"}}},
			live:   live(map[string]any{"b": b64("pw-other")}),
		},
		{
			name:   "stringData.a ignored, a spelled under data",
			fields: "data: {a: " + b64("pw-a") + "}\nstringData: {b: pw-b}\n",
			ignore: []diff.Path{{{Kind: diff.FieldSegment, Name: "stringData"}, {Kind: diff.FieldSegment, Name: "a"}}},
			live:   live(map[string]any{"a": b64("pw-other"), "b": b64("pw-b")}),
			want:   []string{"data.a"},
		},
		{
			name:   "an empty path covers everything",
			fields: "stringData: {b: pw-b}\n",
			ignore: []diff.Path{{}},
			live:   live(map[string]any{"b": b64("pw-other")}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: app}\n" + tt.fields
			set, err := manifest.LoadFS(fstest.MapFS{"desired.yaml": {Data: []byte(src)}}, manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			d, err := check.Compile(set, "rev", schema.NewResolver(nil), tt.ignore)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range d.Targets[0].Compare(tt.live) {
				got = append(got, f.Path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compare() paths (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStringDataWritten checks that the object written for a Secret keeps the keys Git spells
// under stringData (under data, as stored) and those under data: neither is a value
// normalisation added.
func TestStringDataWritten(t *testing.T) {
	tg := secretTarget(t, "data: {a: "+b64("pw-a")+"}\nstringData: {k: pw-k}\n", "")
	got, _ := tg.Written()["data"].(map[string]any)
	for _, k := range []string{"a", "k"} {
		if _, ok := got[k]; !ok {
			t.Errorf("Written() has no data.%s", k)
		}
	}
	if tg.Respelled() {
		t.Error("Respelled() = true, want false: Git writes nothing otherwise than Want")
	}
}
