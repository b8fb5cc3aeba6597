package golden_test

import (
	"testing"

	"github.com/gitops-drift/gitops-drift/test/golden"
)

// recorder is a testing.TB that notes a reported failure instead of failing the test.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }

// TestCheck compares with testdata/hello.txt, as a string and as bytes.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name     string
		got      string
		wantFail bool
	}{
		{name: "same", got: "hello\n"},
		{name: "different", got: "hello, world\n", wantFail: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			asString, asBytes := &recorder{TB: t}, &recorder{TB: t}
			golden.Check(asString, "hello.txt", tt.got)
			golden.Check(asBytes, "hello.txt", []byte(tt.got))
			if asString.failed != tt.wantFail || asBytes.failed != tt.wantFail {
				t.Errorf("failed = %v (string), %v (bytes); want %v", asString.failed, asBytes.failed, tt.wantFail)
			}
		})
	}
}
