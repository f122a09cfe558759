package augment

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/lenet/lenet/dataset"
)

// Config describes one epoch's stream of minibatches.
type Config struct {
	Batch    int     // images per batch; the images left after the last full batch are skipped
	Seed     uint64  // with Epoch, fixes the shuffle and every distortion
	Epoch    int     // epoch number, from 1
	Start    int     // first batch to deliver: batches before it are skipped (to resume)
	Workers  int     // goroutines distorting images; 0 means one per core
	Prefetch int     // batches kept ready ahead of the consumer; 0 means 2 per worker
	Distort  *Params // nil or zero: the images as they are
}

// Batch is a ready minibatch.
type Batch struct {
	Index  int       // position in the epoch, from 0
	X      []float32 // (Batch, 28, 28), pixels in [0,1]
	Labels []byte    // (Batch)
}

// Stream delivers one epoch's minibatches, in order, from a pool of workers that fill
// and distort them ahead of the consumer.
type Stream struct {
	futures <-chan chan Batch // one slot per batch, in epoch order
	cancel  context.CancelFunc
	ctx     context.Context
	wg      sync.WaitGroup
	steps   int
}

type job struct {
	index int
	out   chan Batch
}

// NewStream starts the workers for one epoch over s. Call Close when done.
func NewStream(ctx context.Context, s *dataset.Set, c Config) (*Stream, error) {
	if c.Batch < 1 || c.Batch > s.Count {
		return nil, fmt.Errorf("stream: batch %d (expected 1 to the %d images)", c.Batch, s.Count)
	}
	if c.Start < 0 || c.Start > s.Count/c.Batch {
		return nil, fmt.Errorf("stream: start batch %d (expected 0 to %d)", c.Start, s.Count/c.Batch)
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	prefetch := c.Prefetch
	if prefetch <= 0 {
		prefetch = 2 * workers
	}
	ctx, cancel := context.WithCancel(ctx)
	futures, jobs := make(chan chan Batch, prefetch), make(chan job)
	st := &Stream{futures: futures, cancel: cancel, ctx: ctx, steps: s.Count / c.Batch}
	perm := dataset.Permutation(s.Count, c.Seed, c.Epoch)
	st.wg.Add(1 + workers)
	go func() { // dispatcher: hands out batches in order, at most prefetch ahead
		defer st.wg.Done()
		defer close(futures)
		defer close(jobs)
		for i := c.Start; i < st.steps; i++ {
			j := job{index: i, out: make(chan Batch, 1)}
			select {
			case futures <- j.out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer st.wg.Done()
			var d *Distorter
			if c.Distort != nil && !c.Distort.IsZero() {
				d = NewDistorter(*c.Distort, s.Rows)
			}
			for j := range jobs {
				j.out <- makeBatch(s, perm[j.index*c.Batch:(j.index+1)*c.Batch], j.index, c, d)
			}
		}()
	}
	return st, nil
}

// Steps is the number of batches in the epoch.
func (st *Stream) Steps() int { return st.steps }

// Next returns the next batch, io.EOF after the last, or the context's error once it is
// cancelled.
func (st *Stream) Next() (Batch, error) {
	if err := st.ctx.Err(); err != nil { // select picks at random among ready cases
		return Batch{}, err
	}
	select {
	case f, ok := <-st.futures:
		if !ok {
			if err := st.ctx.Err(); err != nil {
				return Batch{}, err
			}
			return Batch{}, io.EOF
		}
		select {
		case b := <-f:
			return b, nil
		case <-st.ctx.Done():
			return Batch{}, st.ctx.Err()
		}
	case <-st.ctx.Done():
		return Batch{}, st.ctx.Err()
	}
}

// Close stops the workers and waits until every goroutine of the stream has ended.
func (st *Stream) Close() {
	st.cancel()
	st.wg.Wait()
}

// makeBatch fills (and distorts) the images at idx.
func makeBatch(s *dataset.Set, idx []int, index int, c Config, d *Distorter) Batch {
	b := Batch{Index: index, X: make([]float32, len(idx)*dataset.Pixels), Labels: dataset.Gather(s, idx, nil)}
	dataset.Fill(s, idx, b.X)
	if d != nil {
		distortEach(d, b.X, idx, c.Seed, c.Epoch)
	}
	return b
}
