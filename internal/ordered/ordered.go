// Package ordered runs independent jobs side by side and hands their results back in
// the jobs' order, as a command that reads many files prints them.
package ordered

import (
	"iter"
	"runtime"
	"sync"
)

// Map calls f(0), ..., f(n-1), up to one call a core at once, and yields their results
// in order of i as they become ready. The calls run at most two a core ahead of the
// result last yielded, so the results waiting are bounded whatever n. Breaking out of
// the loop stops the calls not yet begun and waits for those under way. Written here
// because neither the standard library nor golang.org/x/sync keeps the order of results
// (errgroup returns only the first error).
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
		ahead := make(chan struct{}, 2*runtime.GOMAXPROCS(0)) // a token a call begun and not yet yielded
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
				case ahead <- struct{}{}:
				case <-stop:
					return
				}
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
			<-ahead // after the yield: a loop that breaks frees no further call
		}
	}
}
