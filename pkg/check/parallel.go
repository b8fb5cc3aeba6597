package check

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// forEach calls f with every index below n, on up to GOMAXPROCS goroutines, each taking the
// next index as it is free, and returns when all calls have. f writes its result at its index,
// so results keep their order.
func forEach(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}
