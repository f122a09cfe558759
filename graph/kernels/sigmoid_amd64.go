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

// Sigmoid32s sets y[i] = Sigmoid32(x[i]); y is at least as long as x.
func Sigmoid32s(x, y []float32) {
	n := 0
	if haveAVX2 {
		n = len(x) &^ 7
		if n > 0 {
			y = y[:len(x)]
			sigmoid32AVX2(&x[0], &y[0], n)
		}
	}
	for i := n; i < len(x); i++ {
		y[i] = Sigmoid32(x[i])
	}
}
