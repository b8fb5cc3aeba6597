package diff

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func field(name string) Segment { return Segment{Kind: FieldSegment, Name: name} }

func keyed(kv ...string) Segment {
	seg := Segment{Kind: KeyedSegment}
	for i := 0; i < len(kv); i += 2 {
		seg.Keys = append(seg.Keys, KeyValue{Name: kv[i], Value: kv[i+1]})
	}
	return seg
}

// TestPathRoundTrip checks that ParsePath reads each text as the path, and String writes it back.
func TestPathRoundTrip(t *testing.T) {
	tests := []struct {
		text string
		path Path
	}{
		{"metadata.labels.env", Path{field("metadata"), field("labels"), field("env")}},
		{`metadata.labels["app.kubernetes.io/name"]`, Path{field("metadata"), field("labels"), field("app.kubernetes.io/name")}},
		{`["a.b"].c`, Path{field("a.b"), field("c")}},
		{`a[""]["x y"]["q\"s"]["k=v"]["a,b"]`, Path{field("a"), field(""), field("x y"), field(`q"s`), field("k=v"), field("a,b")}},
		{
			"spec.template.spec.containers[name=frontend].image",
			Path{field("spec"), field("template"), field("spec"), field("containers"), keyed("name", "frontend"), field("image")},
		},
		{"spec.ports[port=80,protocol=TCP].targetPort", Path{field("spec"), field("ports"), keyed("port", "80", "protocol", "TCP"), field("targetPort")}},
		{`l[name="a,b"]`, Path{field("l"), keyed("name", "a,b")}},
		{`l[name="a]b",v="x=y"][k="say \"hi\""]`, Path{field("l"), keyed("name", "a]b", "v", "x=y"), keyed("k", `say "hi"`)}},
		{`l[name=""]`, Path{field("l"), keyed("name", "")}},
		{`l["a b"=c]`, Path{field("l"), keyed("a b", "c")}},
		{"spec.tolerations[2].key", Path{field("spec"), field("tolerations"), {Kind: IndexSegment, Index: 2}, field("key")}},
		{"spec.containers[*].image", Path{field("spec"), field("containers"), {Kind: WildcardSegment}, field("image")}},
		{"l[0][1]", Path{field("l"), {Kind: IndexSegment}, {Kind: IndexSegment, Index: 1}}},
		{"ünïcode.名前", Path{field("ünïcode"), field("名前")}},
		{`["tab\there"]`, Path{field("tab\there")}},
		{`["bad\xffutf8"]`, Path{field("bad\xffutf8")}},
		{"replacement\uFFFDchar", Path{field("replacement\uFFFDchar")}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := ParsePath(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.path, got); diff != "" {
				t.Errorf("ParsePath() (-want +got):\n%s", diff)
			}
			if s := tt.path.String(); s != tt.text {
				t.Errorf("String() = %s, want %s", s, tt.text)
			}
		})
	}
}

// TestParsePathCanonical checks texts that ParsePath accepts but String writes differently.
func TestParsePathCanonical(t *testing.T) {
	tests := []struct{ text, want string }{
		{"metadata.annotations.example.com/team", `metadata.annotations.example["com/team"]`},
		{"a.b/c.d*", `a["b/c"].d*`},
		{"l[007]", "l[7]"},
		{`l["plain"]`, "l.plain"},
		{`l[n="x"]`, "l[n=x]"},
		{"a,b", `["a,b"]`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := mustPath(t, tt.text).String(); got != tt.want {
				t.Errorf("String() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"", `parse path "": empty path`},
		{"x[", `parse path "x[": at offset 2: unterminated "["`},
		{"x[name=a", `parse path "x[name=a": at offset 8: unterminated "["`},
		{"x[]", `at offset 2: empty key or value inside [...]`},
		{"x[name=]", `at offset 7: empty key or value inside [...]`},
		{"x[name]", `want [N], [*], [key=value] or ["field"], got [name]`},
		{"x[name=a b]", `at offset 8: ' ' must be quoted inside [...]`},
		{`x[name="a]`, `at offset 7: bad quoted string`},
		{`x["a"b]`, `at offset 5: want one of "=]", got 'b'`},
		{"x[99999999999999999999]", "list index 99999999999999999999 out of range"},
		{".x", "at offset 0: empty field name"},
		{"x..y", "at offset 2: empty field name"},
		{"x.", "at offset 2: empty field name"},
		{"x.[0]", "at offset 2: empty field name"},
		{"x[0]y", `at offset 4: want "." or "[" after a segment, got 'y'`},
		{"x]", `at offset 1: ']' in a field name: bracket-quote the name, as ["x]"]`},
		{"a b", `' ' in a field name`},
		{"l[a=1,a=2]", `key "a" given twice`},
		{"x=y", `'=' in a field name`},
		{"x.=y", `at offset 2: '=' in a field name`},
		{"spec.l[99999999999999999999]", "at offset 7: list index 99999999999999999999 out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := ParsePath(tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParsePath() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParsePaths(t *testing.T) {
	tests := []struct {
		csv     string
		want    []string
		wantErr string
	}{
		{csv: "", want: nil},
		{csv: "a.b,c.d", want: []string{"a.b", "c.d"}},
		{csv: " a.b , , c.d, ", want: []string{"a.b", "c.d"}},
		{csv: "spec.ports[port=80,protocol=TCP].targetPort,spec.replicas", want: []string{"spec.ports[port=80,protocol=TCP].targetPort", "spec.replicas"}},
		{csv: `l[name="a,\"],b"].x,y`, want: []string{`l[name="a,\"],b"].x`, "y"}},
		{csv: "a.b,x[", wantErr: `parse path "x[": at offset 2: unterminated "["`},
		{csv: `x]a[k=1,j=2],d`, wantErr: `parse path "x]a[k=1,j=2]": at offset 1: ']' in a field name: bracket-quote the name, as ["x]a"]`},
		{csv: `a"b,c",d`, wantErr: `parse path "a\"b,c\"": at offset 1: '"' in a field name: bracket-quote the name, as ["a\"b,c\""]`},
	}
	for _, tt := range tests {
		t.Run(tt.csv, func(t *testing.T) {
			paths, err := ParsePaths(tt.csv)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParsePaths() error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range paths {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePaths() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"spec.replicas", "spec.replicas", true},
		{"spec", "spec.replicas", true},
		{"spec.replicas", "spec", false},
		{"spec.replica", "spec.replicas", false},
		{"c[*].image", "c[name=a].image", true},
		{"c[*].image", "c[3].image", true},
		{"c[*]", "c.image", false},
		{"c[name=a]", "c[name=a].image", true},
		{"c[name=a]", "c[name=b].image", false},
		{"c[name=a]", "c[2]", false},
		{"c[2]", "c[2].x", true},
		{"c[2]", "c[3].x", false},
		{"c[2]", "c[name=a]", false},
		{"p[port=80]", "p[port=80,protocol=TCP].targetPort", true},
		{"p[port=80,protocol=UDP]", "p[port=80,protocol=TCP]", false},
		{"p[port=80,protocol=TCP]", "p[port=80]", false},
		{"c[*].env[*].value", "c[name=a].env[name=X].value", true},
		{`m["a.b"]`, `m["a.b"].c`, true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.path, func(t *testing.T) {
			if got := mustPath(t, tt.pattern).Covers(mustPath(t, tt.path)); got != tt.want {
				t.Errorf("Covers() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCoversRepeatedKey: in a segment built by hand with a key twice (ParsePath refuses
// one), the key's first value is the one a pattern's key is compared with.
func TestCoversRepeatedKey(t *testing.T) {
	path := Path{field("c"), keyed("name", "a", "name", "b")}
	for pattern, want := range map[string]bool{"c[name=a]": true, "c[name=b]": false} {
		if got := mustPath(t, pattern).Covers(path); got != want {
			t.Errorf("%s.Covers(%s) = %v, want %v", pattern, path, got, want)
		}
	}
}
