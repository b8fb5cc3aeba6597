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

// forEachInOrder calls f as forEach does and, on the calling goroutine, then with every
// index in order, each as soon as f returned for it and for every index before it, while the
// other calls of f run. It returns when every call of both has.
func forEachInOrder(n int, f, then func(i int)) {
	finished := make(chan int, n) // never blocks f
	go forEach(n, func(i int) {
		f(i)
		finished <- i
	})
	ready := make([]bool, n)
	for next := 0; next < n; {
		ready[<-finished] = true
		for ; next < n && ready[next]; next++ {
			then(next)
		}
	}
}
