package check

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestInOrder checks that inOrder calls f once with every value put and then with every value
// in the order put, each only after f returned for it and for every one before it, and that
// no more than its window are ever between put and then.
func TestInOrder(t *testing.T) {
	for _, tt := range []struct{ n, window int }{{0, 1}, {1, 1}, {7, 1}, {1000, 3}, {1000, 16}} {
		t.Run(fmt.Sprint(tt.n, "/", tt.window), func(t *testing.T) {
			calls := make([]atomic.Int32, tt.n)
			var thens atomic.Int64
			var order, early []int
			p := startInOrder(tt.window, func(i *int) {
				runtime.Gosched() // slower than put: the window holds put back
				calls[*i].Add(1)
			}, func(i *int) {
				for j := range *i + 1 {
					if calls[j].Load() != 1 {
						early = append(early, *i)
						break
					}
				}
				order = append(order, *i)
				thens.Add(1)
			})
			var most int64
			for i := range tt.n {
				p.put(i)
				most = max(most, int64(i+1)-thens.Load())
			}
			p.wait()
			checkInOrder(t, order, early, calls)
			if most > int64(tt.window) {
				t.Errorf("up to %d values between put and then, want at most the window, %d", most, tt.window)
			}
		})
	}
}

// checkInOrder fails t unless then saw 0 to len(calls)-1 in order (order), none before f had
// returned for every one up to it (early lists those), and f ran once for each (calls).
func checkInOrder(t *testing.T, order, early []int, calls []atomic.Int32) {
	t.Helper()
	want := make([]int, len(calls))
	for i := range want {
		want[i] = i
	}
	if diff := cmp.Diff(want, order, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("then's values (-want +got):\n%s", diff)
	}
	if len(early) > 0 {
		t.Errorf("then called before f had returned for every value up to %v", early)
	}
	for i := range calls {
		if got := calls[i].Load(); got != 1 {
			t.Errorf("f(%d) called %d times, want 1", i, got)
		}
	}
}
