package graph

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// team runs a function on n goroutines at once: the caller's and n-1 workers that live
// as long as the team.
//
// A training step has two parallel phases (the replicas' forward and backward passes,
// then the update) about a millisecond apart. Starting goroutines for each, as a
// sync.WaitGroup does, leaves a core idle while the runtime wakes a sleeping thread for
// the second (a training step took 20% longer so, BenchmarkTrainStep on the 2-core machine). A worker here
// spins for the next job, yielding to other goroutines, for up to spinFor after its last
// one, so that within a run of steps it starts at once; between runs of steps (an
// evaluation, a checkpoint) it sleeps. While it waits, and while the caller waits for
// the workers, each does pieces of the team's idle work if it has some (making the
// next training batches): Go's scheduler gives no priorities, and goroutines of their
// own for that work took the core from one of the replicas at random, leaving the
// other replica's goroutine waiting.
type team struct {
	n       int
	job     func(i int)
	gen     atomic.Uint64 // jobs posted
	pending atomic.Int32  // workers still on the current job
	mu      sync.Mutex
	posted  *sync.Cond // signalled with every job, for sleeping workers
	closed  bool
	done    sync.WaitGroup
	idle    atomic.Pointer[func() bool] // work for a waiting goroutine; reports whether it did some
}

const spinFor = 500 * time.Microsecond

func newTeam(n int) *team {
	t := &team{n: max(n, 1)}
	t.posted = sync.NewCond(&t.mu)
	for i := 1; i < t.n; i++ {
		t.done.Add(1)
		go t.work(i)
	}
	return t
}

// run calls f(0), ..., f(n-1) at once, f(0) on the calling goroutine, and returns when
// all have returned. Calls of run must not overlap.
func (t *team) run(f func(i int)) {
	if t.n == 1 {
		f(0)
		return
	}
	t.job = f
	t.pending.Store(int32(t.n - 1))
	t.mu.Lock()
	t.gen.Add(1)
	t.posted.Broadcast()
	t.mu.Unlock()
	f(0)
	for t.pending.Load() > 0 {
		if !t.help() {
			runtime.Gosched()
		}
	}
	t.job = nil
}

func (t *team) work(i int) {
	defer t.done.Done()
	seen := uint64(0)
	for {
		if !t.wait(seen) {
			return
		}
		seen = t.gen.Load()
		t.job(i)
		t.pending.Add(-1)
	}
}

// wait returns when a job after the seen-th is posted (true) or the team is closed.
func (t *team) wait(seen uint64) bool {
	for start, spins := time.Now(), 0; t.gen.Load() == seen; spins++ {
		if t.help() {
			start = time.Now()
			continue
		}
		if spins%64 == 63 && time.Since(start) > spinFor {
			t.mu.Lock()
			for t.gen.Load() == seen && !t.closed {
				t.posted.Wait()
			}
			closed := t.closed
			t.mu.Unlock()
			return !closed || t.gen.Load() != seen
		}
		runtime.Gosched()
	}
	return true
}

// help does a piece of the idle work, if there is any, and reports whether it did.
func (t *team) help() bool {
	f := t.idle.Load()
	return f != nil && (*f)()
}

// setIdle sets the team's idle work (nil: none).
func (t *team) setIdle(f func() bool) {
	if f == nil {
		t.idle.Store(nil)
	} else {
		t.idle.Store(&f)
	}
}

// close ends the workers.
func (t *team) close() {
	t.mu.Lock()
	t.closed = true
	t.posted.Broadcast()
	t.mu.Unlock()
	t.done.Wait()
}
