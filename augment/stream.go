package augment

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/lenet/lenet/dataset"
)

// Config describes one epoch's stream of minibatches.
type Config struct {
	Batch    int     // images per batch; the images left after the last full batch are skipped
	Seed     uint64  // with Epoch, fixes the shuffle and every distortion
	Epoch    int     // epoch number, from 1
	Start    int     // first batch to deliver: batches before it are skipped (to resume)
	Workers  int     // goroutines distorting images; 0 means one per core (GOMAXPROCS), Helped none
	Prefetch int     // batches kept ready ahead of the consumer; 0 means 2 per worker, at least 4
	Distort  *Params // nil or zero: the images as they are
}

// Helped, as Config.Workers, starts no workers: the batches are made by whoever calls
// Help, and by Next when a batch it needs is not made yet.
const Helped = -1

// Batch is a ready minibatch.
type Batch struct {
	Index  int       // position in the epoch, from 0
	X      []float32 // (Batch, 28, 28), pixels in [0,1]
	Labels []byte    // (Batch)
}

// Stream delivers one epoch's minibatches, in order, from a pool of workers that fill
// and distort them ahead of the consumer. The work is handed out in pieces of a few
// images, so that goroutines with a moment to spare can take a piece (Help).
type Stream struct {
	futures <-chan chan Batch // one slot per batch, in epoch order
	pieces  chan piece
	cancel  context.CancelFunc
	ctx     context.Context
	wg      sync.WaitGroup
	steps   int
	set     *dataset.Set
	c       Config
	perm    []int
	pens    sync.Pool // *Distorter, scratch for one goroutine at a time
}

// piece is images from..to of a batch; the goroutine that makes its last piece sends it.
type piece struct {
	b        *pending
	from, to int
}

type pending struct {
	Batch
	left atomic.Int32 // pieces not made yet
	out  chan Batch
}

// pieceImages is the most images in a piece: 50-80 microseconds of distortion.
const pieceImages = 4

// NewStream starts the workers for one epoch over s. Call Close when done.
func NewStream(ctx context.Context, s *dataset.Set, c Config) (*Stream, error) {
	if c.Batch < 1 || c.Batch > s.Count {
		return nil, fmt.Errorf("stream: batch %d (expected 1 to the %d images)", c.Batch, s.Count)
	}
	if c.Start < 0 || c.Start > s.Count/c.Batch {
		return nil, fmt.Errorf("stream: start batch %d (expected 0 to %d)", c.Start, s.Count/c.Batch)
	}
	workers := c.Workers
	switch {
	case workers == Helped:
		workers = 0
	case workers <= 0:
		workers = runtime.GOMAXPROCS(0)
	}
	prefetch := c.Prefetch
	if prefetch <= 0 {
		prefetch = max(2*workers, 4)
	}
	ctx, cancel := context.WithCancel(ctx)
	perPiece := (c.Batch + pieceImages - 1) / pieceImages
	futures := make(chan chan Batch, prefetch)
	st := &Stream{futures: futures, pieces: make(chan piece, (prefetch+1)*perPiece), cancel: cancel, ctx: ctx,
		steps: s.Count / c.Batch, set: s, c: c, perm: dataset.Permutation(s.Count, c.Seed, c.Epoch)}
	st.pens.New = func() any {
		if c.Distort == nil || c.Distort.IsZero() {
			return (*Distorter)(nil)
		}
		return NewDistorter(*c.Distort, s.Rows)
	}
	st.wg.Add(1 + workers)
	go func() { // dispatcher: hands out batches in order, at most prefetch ahead
		defer st.wg.Done()
		defer close(futures)
		defer close(st.pieces)
		for i := c.Start; i < st.steps; i++ {
			idx := st.perm[i*c.Batch : (i+1)*c.Batch]
			b := &pending{Batch: Batch{Index: i, X: make([]float32, len(idx)*dataset.Pixels), Labels: dataset.Gather(s, idx, nil)}, out: make(chan Batch, 1)}
			b.left.Store(int32(perPiece))
			select {
			case futures <- b.out:
			case <-ctx.Done():
				return
			}
			for from := 0; from < c.Batch; from += pieceImages {
				select {
				case st.pieces <- piece{b: b, from: from, to: min(from+pieceImages, c.Batch)}:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			defer st.wg.Done()
			for p := range st.pieces {
				st.make(p)
			}
		}()
	}
	return st, nil
}

// make fills (and distorts) a piece's images, and sends the batch when it is whole.
func (st *Stream) make(p piece) {
	idx := st.perm[p.b.Index*st.c.Batch:][p.from:p.to]
	x := p.b.X[p.from*dataset.Pixels : p.to*dataset.Pixels]
	dataset.Fill(st.set, idx, x)
	if d := st.pens.Get().(*Distorter); d != nil {
		labels := p.b.Labels[p.from:p.to]
		distortEach(d, x, idx, labels, st.c.Seed, st.c.Epoch)
		st.pens.Put(d)
	}
	if p.b.left.Add(-1) == 0 {
		p.b.out <- p.b.Batch
	}
}

// Help makes one piece of a batch to come, if one is waiting to be made, and reports
// whether it did. It is safe to call from any goroutine, also after Close.
func (st *Stream) Help() bool {
	if st.ctx.Err() != nil {
		return false
	}
	select {
	case p, ok := <-st.pieces:
		if !ok {
			return false
		}
		st.make(p)
		return true
	default:
		return false
	}
}

// Steps is the number of batches in the epoch.
func (st *Stream) Steps() int { return st.steps }

// Next returns the next batch, io.EOF after the last, or the context's error once it is
// cancelled. While the batch is not made, it helps make it.
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
		pieces := st.pieces
		for {
			if err := st.ctx.Err(); err != nil {
				return Batch{}, err
			}
			select {
			case b := <-f:
				return b, nil
			default:
			}
			select {
			case b := <-f:
				return b, nil
			case <-st.ctx.Done():
				return Batch{}, st.ctx.Err()
			case p, ok := <-pieces: // this batch's, or one to come
				if !ok {
					pieces = nil
					continue
				}
				st.make(p)
			}
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
