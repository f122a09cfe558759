// Package ordered runs independent jobs side by side and hands their results back in
// the jobs' order, as a command that reads many files prints them.
package ordered

import (
	"iter"
	"runtime"
	"sync"
)

// Map calls f(0), ..., f(n-1), up to one call a core at once, and yields their results
// in order of i as they become ready. Breaking out of the loop stops the calls not yet
// begun and waits for those under way. Written here because neither the standard library
// nor golang.org/x/sync keeps the order of results (errgroup returns only the first
// error).
func Map[T any](n int, f func(i int) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		type result struct {
			v   T
			err error
		}
		slots := make([]chan result, n)
		for i := range slots {
			slots[i] = make(chan result, 1)
		}
		next, stop := make(chan int), make(chan struct{})
		var wg sync.WaitGroup
		for range min(runtime.GOMAXPROCS(0), n) {
			wg.Go(func() {
				for i := range next {
					v, err := f(i)
					slots[i] <- result{v, err}
				}
			})
		}
		go func() {
			defer close(next)
			for i := range n {
				select {
				case next <- i:
				case <-stop:
					return
				}
			}
		}()
		defer func() {
			close(stop)
			wg.Wait()
		}()
		for _, slot := range slots {
			r := <-slot
			if !yield(r.v, r.err) {
				return
			}
		}
	}
}
