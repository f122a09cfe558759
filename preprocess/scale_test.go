package preprocess

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"golang.org/x/image/draw"
)

// TestScaleGray16MatchesDraw: scaleGray16 gives draw.CatmullRom.Scale's bits, shrinking
// and enlarging, square or not, from one pixel up, on random levels and on the flat and
// saturated ones.
func TestScaleGray16MatchesDraw(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sizes := [][4]int{{1, 1, 1, 1}, {1, 1, 28, 28}, {3, 7, 20, 1}, {200, 90, 20, 9}, {57, 57, 28, 28}, {13, 40, 7, 20}, {300, 300, 28, 28}}
	for range 60 {
		sizes = append(sizes, [4]int{1 + rng.IntN(120), 1 + rng.IntN(120), 1 + rng.IntN(40), 1 + rng.IntN(40)})
	}
	for k, sz := range sizes {
		sw, sh, dw, dh := sz[0], sz[1], sz[2], sz[3]
		src := image.NewGray16(image.Rect(0, 0, sw, sh))
		levels := make([]uint16, sw*sh)
		for i := range levels {
			switch k % 3 {
			case 0:
				levels[i] = uint16(rng.IntN(0x10000))
			case 1:
				levels[i] = []uint16{0, 0xffff}[rng.IntN(2)]
			default:
				levels[i] = uint16(rng.IntN(2) * rng.IntN(0x10000))
			}
			src.Pix[2*i], src.Pix[2*i+1] = byte(levels[i]>>8), byte(levels[i])
		}
		want := image.NewGray16(image.Rect(0, 0, dw, dh))
		draw.CatmullRom.Scale(want, want.Bounds(), src, src.Bounds(), draw.Src, nil)
		got := make([]uint16, dw*dh)
		scaleGray16(got, dw, dh, levels, sw, sh)
		for i, v := range got {
			if w := uint16(want.Pix[2*i])<<8 | uint16(want.Pix[2*i+1]); v != w {
				t.Fatalf("%dx%d to %dx%d: pixel %d is %d, draw gives %d", sw, sh, dw, dh, i, v, w)
			}
		}
	}
}

// TestNth: nth gives the element sorting puts at k, for every k, on random, sorted,
// reversed and repeated values.
func TestNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 1; n < 70; n++ {
		for kind := range 4 {
			xs := make([]float64, n)
			for i := range xs {
				switch kind {
				case 0:
					xs[i] = rng.Float64()
				case 1:
					xs[i] = float64(i)
				case 2:
					xs[i] = float64(n - i)
				default:
					xs[i] = float64(rng.IntN(3))
				}
			}
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			for k := range n {
				if got := nth(slices.Clone(xs), k); got != sorted[k] {
					t.Fatalf("n %d, kind %d: nth %d is %g, sorted %g", n, kind, k, got, sorted[k])
				}
			}
		}
	}
}
