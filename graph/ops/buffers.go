package ops

import (
	"gorgonia.org/tensor"
)

// buffers keeps one node's result tensor and scratch memory from one run of its machine
// to the next. The tape machine's Reset forgets every register, so each run calls the
// op's Do, which would otherwise allocate its result and im2col scratch afresh (several
// MB per training step; with the garbage collector a tenth of the step's time).
//
// Every node gets its own buffers (the constructors and SymDiff make a new one per op),
// and a graph is run by one machine at a time, so nothing is shared. Reusing the result is
// safe: the machine reads a node's value only after running it in the same run, and
// gradients are added into the weights' own dual values, not kept by reference.
type buffers struct {
	out     *tensor.Dense
	scratch any // []float32 or []float64

	// keepCols makes a convolution keep every image's im2col columns in scratch for its
	// kernel gradient (set when the graph is differentiated; evaluation graphs keep one).
	keepCols bool
}

// result is a tensor of dtype dt and shape s, the same one as last time when they match.
// A nil *buffers allocates every time.
func (b *buffers) result(dt tensor.Dtype, s tensor.Shape) *tensor.Dense {
	if b != nil && b.out != nil && b.out.Dtype() == dt && b.out.Shape().Eq(s) {
		return b.out
	}
	t := tensor.New(tensor.Of(dt), tensor.WithShape(s.Clone()...))
	if b != nil {
		b.out = t
	}
	return t
}

// scratchOf is n elements of scratch memory of b, kept for the next call.
func scratchOf[T float32 | float64](b *buffers, n int) []T {
	if b != nil {
		if s, ok := b.scratch.([]T); ok && len(s) >= n {
			return s[:n]
		}
	}
	s := make([]T, n)
	if b != nil {
		b.scratch = s
	}
	return s
}
