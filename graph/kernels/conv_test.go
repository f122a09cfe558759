//go:build amd64 && !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConv5x5TileMatchesGemm checks the direct convolutions bit for bit against
// sgemmAVX2 on the same tile's im2col columns (the products of each output in the same
// order): one input plane, and two (the second call adding to the first's outputs, as
// C3 adds its connected maps), at the model's strides and odd ones, for Conv5x5Tile and
// Conv5x5Tile3 (with AVX-512 where the CPU has it, and without); and that nothing
// outside the tiles' 8x8 outputs is written.
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
	ways := []string{"Conv5x5Tile", "Conv5x5Tile3 without AVX-512"}
	if haveAVX512 {
		ways = append(ways, "Conv5x5Tile3 with AVX-512")
	}
	defer func(had bool) { haveAVX512 = had }(haveAVX512)
	for _, way := range ways {
		haveAVX512 = way == "Conv5x5Tile3 with AVX-512"
		for _, s := range [][2]int{{28, 24}, {12, 8}, {13, 9}, {12, 31}} {
			inStride, outStride := s[0], s[1]
			plane := 12 * inStride
			for planes := 1; planes <= 2; planes++ {
				in := normal(planes * plane)
				var k, out, want [3][]float32
				for m := range 3 {
					k[m] = normal(planes * 25)
					k[m][7] = 0                      // a zero weight, as C3's unconnected kernels have
					out[m] = normal(8*outStride + 1) // one guard value past the last row
					want[m] = append([]float32(nil), out[m]...)
				}
				// im2col of the tile, then the GEMM: (3 x 25·planes)·(25·planes x 64).
				cols := make([]float32, planes*25*64)
				for r := range planes * 25 {
					c, i, j := r/25, r%25/5, r%5
					for y := 0; y < 8; y++ {
						for x := 0; x < 8; x++ {
							cols[r*64+y*8+x] = in[c*plane+(y+i)*inStride+x+j]
						}
					}
				}
				kk := append(append(append([]float32(nil), k[0]...), k[1]...), k[2]...)
				c := make([]float32, 3*64)
				sgemmAVX2(false, false, 3, 64, 25*planes, kk, 25*planes, cols, 64, c, 64, false)
				for m := range 3 {
					for y := 0; y < 8; y++ {
						copy(want[m][y*outStride:y*outStride+8], c[m*64+y*8:m*64+y*8+8])
					}
				}

				for c := range planes {
					kc := func(m int) []float32 { return k[m][c*25:] }
					if way == "Conv5x5Tile" {
						for m := range 3 {
							Conv5x5Tile(in[c*plane:], inStride, kc(m), out[m], outStride, c > 0)
						}
					} else {
						Conv5x5Tile3(in[c*plane:], inStride, kc(0), kc(1), kc(2), out[0], out[1], out[2], outStride, c > 0)
					}
				}
				for m := range 3 {
					for i := range out[m] {
						if math.Float32bits(out[m][i]) != math.Float32bits(want[m][i]) {
							t.Fatalf("%s, strides %d/%d, %d planes: map %d, out[%d] = %g, GEMM %g", way, inStride, outStride, planes, m, i, out[m][i], want[m][i])
						}
					}
				}
			}
		}
	}
}

// TestSigmoidPool32 checks the fused bias, sigmoid and pooling bit for bit against the
// bias added, Sigmoid32s and the pooling op's arithmetic, on the model's planes and
// narrow and wide ones, with values over the sigmoid's whole range, its cut-offs,
// infinities and NaN, and that nothing past the pooled plane is written: in one AVX2
// pass, and with AVX-512 (planes of a multiple of 32 values) where the CPU has it.
func TestSigmoidPool32(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this CPU")
	}
	ways := []bool{false}
	if haveAVX512 {
		ways = append(ways, true)
	}
	defer func(had bool) { haveAVX512 = had }(haveAVX512)
	rng := rand.New(rand.NewPCG(6, 6))
	special := []float32{-88, -88.0001, 15, 15.0001, 0, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), -1e-40}
	for _, wide := range ways {
		haveAVX512 = wide
		for _, s := range [][2]int{{24, 24}, {8, 8}, {2, 8}, {6, 40}, {2, 16}, {4, 16}} {
			h, w := s[0], s[1]
			x := make([]float32, h*w)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * 20)
			}
			for i, v := range special {
				x[(i*37)%len(x)] = v
			}
			bias := float32(rng.NormFloat64())
			if h == 24 {
				bias = 0 // the special values as they are: at and past the cut-offs
			}
			sig := make([]float32, len(x))
			for i, v := range x {
				sig[i] = v + bias
			}
			Sigmoid32s(sig, sig)
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
			SigmoidPool32(x, got, h, w, bias)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("AVX-512 %v, %dx%d: output %d = %g, Sigmoid32s and pooling %g", wide, h, w, i, got[i], want[i])
				}
			}
		}
	}
}
