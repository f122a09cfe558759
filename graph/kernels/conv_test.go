//go:build amd64 && !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConv5x5TileMatchesGemm checks the direct convolution bit for bit against
// sgemmAVX2 on the same tile's im2col columns (the products of each output in the same
// order): one input plane, and two (the second call adding to the first's outputs, as
// C3 adds its connected maps), with and without a bias, at the model's strides and odd
// ones; and that nothing outside the tile's 8x8 outputs is written.
func TestConv5x5TileMatchesGemm(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 5))
	normal := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, s := range [][2]int{{28, 24}, {12, 8}, {13, 9}, {12, 31}} {
		inStride, outStride := s[0], s[1]
		plane := 12 * inStride
		for planes := 1; planes <= 2; planes++ {
			for _, withBias := range []bool{false, true} {
				in, k := normal(planes*plane), normal(planes*25)
				k[7] = 0 // a zero weight, as C3's unconnected kernels have
				var bias []float32
				if withBias {
					bias = normal(1)
				}
				out := normal(8*outStride + 1) // one guard value past the last row
				want := append([]float32(nil), out...)

				// im2col of the tile, then the GEMM: (1 x 25·planes)·(25·planes x 64).
				cols := make([]float32, planes*25*64)
				for r := range planes * 25 {
					c, i, j := r/25, r%25/5, r%5
					for y := 0; y < 8; y++ {
						for x := 0; x < 8; x++ {
							cols[r*64+y*8+x] = in[c*plane+(y+i)*inStride+x+j]
						}
					}
				}
				c := make([]float32, 64)
				sgemmAVX2(false, false, 1, 64, 25*planes, k, 25*planes, cols, 64, c, 64, false)
				for y := 0; y < 8; y++ {
					for x := 0; x < 8; x++ {
						v := c[y*8+x]
						if withBias {
							v += bias[0]
						}
						want[y*outStride+x] = v
					}
				}

				for c := range planes {
					var b []float32
					if c == planes-1 {
						b = bias
					}
					Conv5x5Tile(in[c*plane:], inStride, k[c*25:], out, outStride, c > 0, b)
				}
				for i := range out {
					if math.Float32bits(out[i]) != math.Float32bits(want[i]) {
						t.Fatalf("strides %d/%d, %d planes, bias %v: out[%d] = %g, GEMM %g", inStride, outStride, planes, withBias, i, out[i], want[i])
					}
				}
			}
		}
	}
}

// TestSigmoidPool32 checks the fused sigmoid and pooling bit for bit against Sigmoid32s
// followed by the pooling op's arithmetic, on the model's planes and narrow and wide
// ones, with values over the sigmoid's whole range, its cut-offs, infinities and NaN,
// and that nothing past the pooled plane is written.
func TestSigmoidPool32(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	rng := rand.New(rand.NewPCG(6, 6))
	special := []float32{-88, -88.0001, 15, 15.0001, 0, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -1e-40}
	for _, s := range [][2]int{{24, 24}, {8, 8}, {2, 8}, {6, 40}} {
		h, w := s[0], s[1]
		x := make([]float32, h*w)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 20)
		}
		for i, v := range special {
			x[(i*37)%len(x)] = v
		}
		sig := make([]float32, len(x))
		Sigmoid32s(x, sig)
		want := make([]float32, h*w/4+1) // one guard value
		want[len(want)-1] = 42
		for i := 0; i < h/2; i++ {
			r0, r1 := sig[2*i*w:], sig[(2*i+1)*w:]
			for j := 0; j < w/2; j++ {
				want[i*w/2+j] = (r0[2*j] + r0[2*j+1] + r1[2*j] + r1[2*j+1]) / 4
			}
		}
		got := make([]float32, len(want))
		got[len(got)-1] = 42
		SigmoidPool32(x, got, h, w)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%dx%d: output %d = %g, Sigmoid32s and pooling %g", h, w, i, got[i], want[i])
			}
		}
	}
}
