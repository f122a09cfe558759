//go:build amd64 && !purego

package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestConvGradMapMatchesGemm computes a convolution's kernel gradient for one image,
// dk (O, 25) = dy (O, P) · colᵀ, with the AVX2 GEMM (sgemmDotKernel) on im2col's
// columns and with ConvGradMap straight from the plane, in groups of 4, 2 and 1 output
// maps, at C1's shapes (28x28, 24 outputs a row: three chunks a segment) and C3's (12x12,
// one chunk a segment), and requires the same bits, added to values already there.
func TestConvGradMapMatchesGemm(t *testing.T) {
	if !HaveConvTile() {
		t.Skip("needs AVX2 and FMA")
	}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, side := range []int{28, 12, 20} {
		const o = 7
		ow := side - 4
		p := ow * ow
		x, dy := make([]float32, side*side), make([]float32, o*p)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		for i := range dy {
			dy[i] = float32(rng.NormFloat64())
		}
		col := make([]float32, 25*p) // im2col of one map
		for q := range 25 {
			for y := range ow {
				copy(col[q*p+y*ow:q*p+(y+1)*ow], x[(y+q/5)*side+q%5:])
			}
		}
		start := make([]float32, o*25)
		for i := range start {
			start[i] = float32(rng.NormFloat64())
		}
		want := append([]float32(nil), start...)
		sgemmAVX2(false, true, o, 25, p, dy, p, col, p, want, 25, true) // the dot kernel
		got := append([]float32(nil), start...)
		r0 := 0
		for _, rows := range []int{4, 2, 1} { // o = 7 maps
			var a, c [4][]float32
			for r := range rows {
				a[r], c[r] = dy[(r0+r)*p:(r0+r+1)*p], got[(r0+r)*25:(r0+r+1)*25]
			}
			ConvGradMap(p, &a, rows, x, side, ow/8, &c)
			r0 += rows
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("side %d: dk[%d] direct %g, GEMM %g", side, i, got[i], want[i])
			}
		}
	}
}

// TestConvInputGradRowsAlike: convInputGrad's eight rows at a time and one at a time
// give the same bits (the ops' tests compare the eight with im2col's GEMM and col2im),
// on 11 rows of 2 chunks from 5 output maps, added to values already there.
func TestConvInputGradRowsAlike(t *testing.T) {
	if !HaveConvTile() {
		t.Skip("needs AVX2 and FMA")
	}
	const n, rows, chunks, stride = 5, 11, 2, 21
	rng := rand.New(rand.NewPCG(9, 9))
	var d [16][]float32
	w := make([]float32, n)
	for m := range n {
		w[m] = float32(rng.NormFloat64())
		d[m] = make([]float32, rows*chunks*8)
		for i := range d[m] {
			d[m][i] = float32(rng.NormFloat64())
		}
	}
	start := make([]float32, (rows-1)*stride+chunks*8)
	for i := range start {
		start[i] = float32(rng.NormFloat64())
	}
	whole := append([]float32(nil), start...)
	convInputGradChecked(n, w, &d, rows, chunks, whole, stride)
	single := append([]float32(nil), start...)
	for r := range rows {
		var dr [16][]float32
		for m := range n {
			dr[m] = d[m][r*chunks*8:]
		}
		convInputGradChecked(n, w, &dr, 1, chunks, single[r*stride:], stride)
	}
	changed := 0
	for i := range whole {
		if math.Float32bits(whole[i]) != math.Float32bits(single[i]) {
			t.Fatalf("dx[%d]: %g rows at once, %g one at a time", i, whole[i], single[i])
		}
		if whole[i] != start[i] {
			changed++
		}
	}
	if changed != rows*chunks*8 {
		t.Fatalf("%d values changed, want %d", changed, rows*chunks*8)
	}
}

// convInputGradChecked calls convInputGrad after checking the slices' lengths.
func convInputGradChecked(n int, w []float32, d *[16][]float32, rows, chunks int, dx []float32, stride int) {
	_, _ = w[n-1], dx[(rows-1)*stride+8*chunks-1]
	var dp [16]*float32
	for m := range n {
		_ = d[m][rows*chunks*8-1]
		dp[m] = &d[m][0]
	}
	convInputGrad(n, &w[0], &dp, rows, chunks, &dx[0], stride)
}
