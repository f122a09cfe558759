package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdam32 compares Adam32 (the AVX2 loop where the CPU has it) with adam32Scalar
// bit for bit, on lengths with and without a remainder of 8, over gradients
// from tiny to large, zeros and moments of every size, for several steps.
func TestAdam32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 7, 8, 9, 31, 64, 1000, 30723} {
		w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range w {
			w[i] = float32(rng.NormFloat64())
			m[i] = float32(rng.NormFloat64() * 1e-3)
			v[i] = float32(rng.Float64() * 1e-5)
		}
		rw, rm, rv := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
		for step := 1; step <= 3; step++ {
			for i := range g {
				switch i % 5 {
				case 0:
					g[i] = 0
				case 1:
					g[i] = float32(rng.NormFloat64() * 1e-8)
				default:
					g[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-4)))
				}
			}
			rg, g0 := append([]float32(nil), g...), append([]float32(nil), g...)
			h := AdamStep32{Beta1: 0.9, OneMinusBeta1: 1 - 0.9, Beta2: 0.999, OneMinusBeta2: 1 - 0.999,
				Corr1: 1 / float32(1-math.Pow(0.9, float64(step))), Corr2: 1 / float32(1-math.Pow(0.999, float64(step))), NegLR: -0.005, Eps: 1e-8}
			Adam32(w, g, m, v, h)
			adam32Scalar(rw, rg, rm, rv, h)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(rw[i]) || math.Float32bits(m[i]) != math.Float32bits(rm[i]) ||
					math.Float32bits(v[i]) != math.Float32bits(rv[i]) || g[i] != g0[i] || rg[i] != g0[i] {
					t.Fatalf("n %d, step %d, element %d: w %g m %g v %g g %g, want w %g m %g v %g g %g unchanged (AVX2 %v)",
						n, step, i, w[i], m[i], v[i], g[i], rw[i], rm[i], rv[i], g0[i], haveAVX2)
				}
			}
		}
	}
}
