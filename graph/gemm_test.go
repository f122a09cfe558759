package graph

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmAVX2 compares the convolutions' float32 GEMM (the AVX2 kernel where the CPU
// has it) with gonum's on shapes with row and column remainders, every transposition,
// with and without accumulation, including the shapes the model uses.
func TestSgemmAVX2(t *testing.T) {
	if !haveAVX2 || !useOwnGemm() {
		t.Skip("no AVX2 kernel on this CPU or build")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	shapes := [][3]int{{1, 1, 1}, {4, 16, 1}, {5, 17, 3}, {3, 15, 7}, {6, 576, 25}, {16, 64, 150}, {6, 25, 576}, {16, 150, 64}, {150, 64, 16}, {7, 33, 40}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					a, b := make([]float32, m*k), make([]float32, k*n)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					for i := range b {
						b[i] = float32(rng.NormFloat64())
					}
					c0 := make([]float32, m*n+3) // 3 guard values past the end
					for i := range c0 {
						c0[i] = float32(rng.NormFloat64())
					}
					ours, ref := append([]float32(nil), c0...), append([]float32(nil), c0...)
					sgemmAVX2(ta, tb, m, n, k, a, b, ours[:m*n], acc)
					forceGonum = true
					gemm32(ta, tb, m, n, k, a, b, ref[:m*n], acc)
					forceGonum = false
					for i := range ours {
						if d := math.Abs(float64(ours[i] - ref[i])); d > 1e-4*(1+math.Abs(float64(ref[i]))) {
							t.Fatalf("m=%d n=%d k=%d ta=%v tb=%v acc=%v: c[%d] = %g, gonum %g", m, n, k, ta, tb, acc, i, ours[i], ref[i])
						}
					}
				}
			}
		}
	}
}
