package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gitops-drift/gitops-drift/pkg/diff"
)

// largeReport is the report of a --once check of n objects, one in fifty drifted, with
// strings JSON escapes or not (HTML characters, a line separator, a quote, invalid UTF-8).
func largeReport(n int) Report {
	resources := make([]Resource, n)
	for i := range resources {
		resources[i] = Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "bench", Name: fmt.Sprintf("app-%d", i), Status: StatusInSync}
		if i%50 == 0 {
			resources[i].Status = StatusDrifted
			resources[i].Fields = []diff.Field{{
				Path:    "spec.template.spec.containers[name=app].image",
				Desired: "nginx:1.27 <b>&amp;</b> \u2028 \"quoted\"",
				Live:    map[string]any{"a": []any{int64(1), 2.5, true, nil, "\xff"}},
			}}
		}
	}
	return New("3f2a1b4c5d6e", resources)
}

// TestJSONAsEncoder checks that JSON writes what an Encoder indenting by itself writes.
func TestJSONAsEncoder(t *testing.T) {
	r := largeReport(200)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	norm := r
	norm.Resources = normalize(r.Resources)
	if err := enc.Encode(norm); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := JSON(&got, r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("JSON (-Encoder +JSON):\n%s", diff)
	}
}

// BenchmarkJSON writes the JSON report of a --once check of 1,000 objects.
func BenchmarkJSON(b *testing.B) {
	r := largeReport(1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := JSON(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
