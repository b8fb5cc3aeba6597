package check

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestForEachInOrder checks that forEachInOrder calls f once with every index and then with
// every index in order, each only after f returned for it and for every index before it.
func TestForEachInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			calls := make([]atomic.Int32, n)
			var order, early []int
			forEachInOrder(n, func(i int) {
				calls[i].Add(1)
			}, func(i int) {
				for j := range i + 1 {
					if calls[j].Load() != 1 {
						early = append(early, i)
						break
					}
				}
				order = append(order, i)
			})
			want := make([]int, n)
			for i := range want {
				want[i] = i
			}
			if diff := cmp.Diff(want, order, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("then's indexes (-want +got):\n%s", diff)
			}
			if len(early) > 0 {
				t.Errorf("then called before f had returned for every index up to %v", early)
			}
			for i := range calls {
				if got := calls[i].Load(); got != 1 {
					t.Errorf("f(%d) called %d times, want 1", i, got)
				}
			}
		})
	}
}
