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

// inOrder runs f and then over values given one at a time (put): f on up to GOMAXPROCS
// goroutines, each taking the next value as it is free, and then on one goroutine, with every
// value in the order put, as soon as f returned for it and for every one before it. At most window values are between put and then: put waits for
// room, so that a producer faster than f holds back, and what the values hold is never more
// than a window's worth.
type inOrder[T any] struct {
	window chan struct{}     // one per value put and not yet through then
	jobs   chan *orderJob[T] // to f's goroutines
	order  chan *orderJob[T] // to then's goroutine, in the order put
	f      sync.WaitGroup
	then   chan struct{} // closed when then's goroutine is done
}

// orderJob is one value going through an inOrder; done is closed once f returned for it.
type orderJob[T any] struct {
	v    T
	done chan struct{}
}

// startInOrder starts f's and then's goroutines; see inOrder. window must be at least 1.
func startInOrder[T any](window int, f, then func(v *T)) *inOrder[T] {
	p := &inOrder[T]{
		window: make(chan struct{}, window),
		jobs:   make(chan *orderJob[T], window),
		order:  make(chan *orderJob[T], window),
		then:   make(chan struct{}),
	}
	for range runtime.GOMAXPROCS(0) {
		p.f.Go(func() {
			for j := range p.jobs {
				f(&j.v)
				close(j.done)
			}
		})
	}
	go func() {
		defer close(p.then)
		for j := range p.order {
			<-j.done
			then(&j.v)
			<-p.window
		}
	}()
	return p
}

// put hands v on, once there is room in the window. It must not be called after wait.
func (p *inOrder[T]) put(v T) {
	p.window <- struct{}{}
	j := &orderJob[T]{v: v, done: make(chan struct{})}
	p.order <- j // the window leaves room in both channels
	p.jobs <- j
}

// wait returns when every value put has been through then, and stops the goroutines.
func (p *inOrder[T]) wait() {
	close(p.jobs)
	close(p.order)
	p.f.Wait()
	<-p.then
}
