package share_test

import (
	"strings"
	"testing"
	"unique"
	"unsafe"

	"github.com/gitops-drift/gitops-drift/pkg/share"
)

// TestInterned checks that equal strings cut from different buffers come back as one copy,
// which holds none of those buffers, and that other values come back as they are.
func TestInterned(t *testing.T) {
	a := strings.Repeat("x", 100)[:5] + "manager"
	b := strings.Clone(a)
	ia := share.Interned(a)
	held := unique.Make(ia) // a collection between the two calls would forget the copy
	ib := share.Interned(b)
	sa, sb := ia.(string), ib.(string)
	if sa != a || unsafe.StringData(sa) != unsafe.StringData(sb) {
		t.Errorf("Interned(%q) and Interned(its copy) are two strings, want one", a)
	}
	if unsafe.StringData(sa) == unsafe.StringData(a) {
		t.Error("Interned kept the buffer its argument was cut from")
	}
	if held.Value() != ia {
		t.Errorf("the Handle holds %v, want %v", held.Value(), ia)
	}
	for _, v := range []any{int64(1), 1.5, true, nil, map[string]any{"a": "b"}} {
		if got := share.Interned(v); !sameValue(got, v) {
			t.Errorf("Interned(%v) = %v, want it as it is", v, got)
		}
	}
}

// sameValue compares two JSON scalars, or the identity of two maps.
func sameValue(a, b any) bool {
	if m, ok := a.(map[string]any); ok {
		n, ok := b.(map[string]any)
		return ok && mapID(m) == mapID(n)
	}
	return a == b
}
