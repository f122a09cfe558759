//go:build amd64 && !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
)

// TestSgemmAVX2 compares the convolutions' float32 GEMM (the AVX2 kernel where the CPU
// has it) with gonum's on shapes with row and column remainders, every transposition,
// with and without accumulation, including the shapes the model uses; inner dimensions
// that are multiples of 8 take the dot-product kernel when b is transposed.
func TestSgemmAVX2(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	UseBest()
	rng := rand.New(rand.NewPCG(9, 9))
	shapes := [][3]int{{1, 1, 1}, {4, 16, 1}, {5, 17, 3}, {3, 15, 7}, {6, 576, 25}, {16, 64, 150}, {6, 25, 576}, {16, 150, 64}, {150, 64, 16}, {7, 33, 40}, {5, 3, 8}, {1, 1, 16}, {9, 7, 24}}
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
					Gemm32(ta, tb, m, n, k, a, b, ours[:m*n], acc) // through blas32, as the convolutions call it
					beta := float32(0)
					if acc {
						beta = 1
					}
					lda, ldb := k, n
					if ta {
						lda = m
					}
					if tb {
						ldb = k
					}
					gonum.Implementation{}.Sgemm(trans(ta), trans(tb), m, n, k, 1, a, lda, b, ldb, beta, ref[:m*n], n)
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

// TestSgemmAVX2Strided calls avx2BLAS.Sgemm as gorgonia may, with row strides wider than
// the matrices and alpha/beta it hands to gonum, against gonum's Sgemm.
func TestSgemmAVX2Strided(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	const m, n, k, pad = 5, 19, 16, 3
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, 2}} {
				ar, ac := m, k
				if ta {
					ar, ac = k, m
				}
				br, bc := k, n
				if tb {
					br, bc = n, k
				}
				lda, ldb, ldc := ac+pad, bc+pad, n+pad
				a, b, c := make([]float32, ar*lda), make([]float32, br*ldb), make([]float32, m*ldc)
				for _, s := range [][]float32{a, b, c} {
					for i := range s {
						s[i] = float32(rng.NormFloat64())
					}
				}
				ours, ref := append([]float32(nil), c...), append([]float32(nil), c...)
				avx2BLAS{}.Sgemm(trans(ta), trans(tb), m, n, k, ab[0], a, lda, b, ldb, ab[1], ours, ldc)
				gonum.Implementation{}.Sgemm(trans(ta), trans(tb), m, n, k, ab[0], a, lda, b, ldb, ab[1], ref, ldc)
				for i := range ours {
					if d := math.Abs(float64(ours[i] - ref[i])); d > 1e-4*(1+math.Abs(float64(ref[i]))) {
						t.Fatalf("ta=%v tb=%v alpha,beta=%v: c[%d] = %g, gonum %g", ta, tb, ab, i, ours[i], ref[i])
					}
				}
			}
		}
	}
}

// TestSgemmKernel8MatchesKernel4: the GEMM with AVX-512's eight-row blocks gives the bits
// of the four-row kernel alone, on the model's shapes (the dense layers at evaluation's
// batch, C3 and its gradients) and ones with row and column remainders, every
// transposition, with and without accumulation, leaving C's padding alone.
func TestSgemmKernel8MatchesKernel4(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512VL on this CPU")
	}
	defer func() { haveAVX512 = true }()
	rng := rand.New(rand.NewPCG(11, 11))
	shapes := [][3]int{{250, 120, 256}, {250, 84, 120}, {250, 10, 84}, {16, 120, 256}, {16, 64, 150}, {150, 64, 16}, {8, 16, 1}, {9, 17, 3}, {23, 33, 40}, {8, 5, 7}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					a, b := make([]float32, m*k), make([]float32, k*n)
					for _, v := range [][]float32{a, b} {
						for i := range v {
							v[i] = float32(rng.NormFloat64())
						}
					}
					const pad = 3
					c0 := make([]float32, m*(n+pad))
					for i := range c0 {
						c0[i] = float32(rng.NormFloat64())
					}
					lda, ldb := k, n
					if ta {
						lda = m
					}
					if tb {
						ldb = k
					}
					var got [2][]float32
					for i, eight := range []bool{true, false} {
						haveAVX512 = eight
						got[i] = append([]float32(nil), c0...)
						sgemmAVX2(ta, tb, m, n, k, a, lda, b, ldb, got[i], n+pad, acc)
					}
					for i := range got[0] {
						if math.Float32bits(got[0][i]) != math.Float32bits(got[1][i]) {
							t.Fatalf("m=%d n=%d k=%d ta=%v tb=%v acc=%v: c[%d] = %g with 8-row blocks, %g with 4", m, n, k, ta, tb, acc, i, got[0][i], got[1][i])
						}
					}
				}
			}
		}
	}
}
