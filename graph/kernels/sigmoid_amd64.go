//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// The float32 sigmoid is the largest elementwise cost of a step. Go does not vectorise
// loops, so on CPUs with AVX2 and FMA an assembly loop computes it eight values at a
// time (sigmoid_amd64.s): the same arithmetic as Sigmoid32, in fused multiply-adds.
// TestSigmoid32s compares it with Sigmoid32 over the whole range and at the edges.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func sigmoid32AVX2(x, y *float32, n int)

// Sigmoid32s sets y[i] = Sigmoid32(x[i]); y is at least as long as x. With AVX2 a tail
// of fewer than eight values goes through the same assembly (padded), so a value's bits
// do not depend on where it lies in x: the fused multiply-adds round differently from
// Sigmoid32 (within 4e-7), and an evaluator's probabilities for an image would otherwise
// depend on how many images its batch holds (TestSigmoid32sAnywhere).
func Sigmoid32s(x, y []float32) {
	if !haveAVX2 {
		for i, v := range x {
			y[i] = Sigmoid32(v)
		}
		return
	}
	n := len(x) &^ 7
	y = y[:len(x)]
	if n > 0 {
		sigmoid32AVX2(&x[0], &y[0], n)
	}
	if n < len(x) {
		var tail [8]float32
		copy(tail[:], x[n:])
		sigmoid32AVX2(&tail[0], &tail[0], 8)
		copy(y[n:], tail[:])
	}
}
