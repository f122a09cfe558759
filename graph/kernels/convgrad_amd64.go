//go:build amd64 && !purego

package kernels

import "fmt"

//go:noescape
func convGradMap(k int, a *[4]*float32, plane *float32, offs *[26]int, seg, skip int, c *[4]*float32, rows int)

// ConvGradMap adds to c[r][q], for the 25 weights q of a 5x5 kernel on one input plane
// (w values a row) and r < rows (1 to 4), the dot product of a[r]'s first k values
// (an output map's gradients, seg*8 a row) with the k input values weight q met (the
// plane's values from row q/5, column q%5 on, seg*8 a row): the row of im2col's columns
// that the GEMM would have read. Each dot product is sgemmDotKernel's to the bit, so a
// convolution's kernel gradient needs neither im2col nor the kernels a connection table
// leaves out. It needs AVX2 and FMA and k a positive multiple of 8*seg, with w >= 8*seg+4;
// it panics, as an index out of range does, on slices too short.
//
// Hand-written: no library computes a convolution's kernel gradient in the summation
// order of lenet's GEMM on im2col's columns, which the golden training runs require.
func ConvGradMap(k int, a *[4][]float32, rows int, plane []float32, w, seg int, c *[4][]float32) {
	if !haveAVX2 {
		panic("kernels: ConvGradMap needs AVX2 and FMA")
	}
	if rows < 1 || rows > 4 || seg < 1 || k < 8*seg || k%(8*seg) != 0 || w < 8*seg+4 {
		panic("kernels: ConvGradMap: bad rows, k, seg or w")
	}
	_ = plane[(4+k/(8*seg)-1)*w+4+8*seg-1] // the last value weight 24 meets
	var ap, cp [4]*float32
	for r := range rows {
		_, _ = a[r][k-1], c[r][24]
		ap[r], cp[r] = &a[r][0], &c[r][0]
	}
	var offs [26]int
	for q := range 25 {
		offs[q] = 4 * (q/5*w + q%5)
	}
	offs[25] = offs[24]
	convGradMap(k, &ap, &plane[0], &offs, seg, 4*(w-8*seg), &cp, rows)
}

//go:noescape
func convInputGrad(n int, w *float32, d *[16]*float32, rows, chunks int, dx *float32, stride int)

// ConvInputGradMap adds to plane (an input map, w values a row) its share of a 5x5
// convolution's input gradient from n output maps (1 to 16): d[m], their gradients
// (rows rows of chunks*8), and k[m], the weights of their kernels on this map. For each
// weight q in order, each output position's sum over m of k[m][q]·d[m] is what the GEMM
// of the kernels and the output gradients gives a row of im2col's columns (fused
// multiply-adds from zero, in the order of d), added to the pixel the weight met as
// col2im adds it: im2col's input gradient to the bit without the columns, and without
// the kernels a connection table leaves out (their zero terms change no bit). It needs
// AVX2 and FMA, w >= chunks*8+4, and panics, as an index out of range does, on slices
// too short.
//
// Hand-written, as ConvGradMap is: the golden training runs require the GEMM's order.
func ConvInputGradMap(n int, k, d *[16][]float32, rows, chunks int, plane []float32, w int) {
	if !haveAVX2 {
		panic("kernels: ConvInputGradMap needs AVX2 and FMA")
	}
	if n < 1 || n > 16 || rows < 1 || chunks < 1 || w < 8*chunks+4 {
		panic("kernels: ConvInputGradMap: bad n, rows, chunks or w")
	}
	_ = plane[(rows+3)*w+4+8*chunks-1] // the last pixel weight 24 meets
	var dp [16]*float32
	var wq [25 * 16]float32 // weight q of map m at q*16+m
	for m := range n {
		_, km := d[m][rows*chunks*8-1], k[m][:25]
		dp[m] = &d[m][0]
		for q, v := range km {
			wq[q*16+m] = v
		}
	}
	for q := range 25 {
		convInputGrad(n, &wq[q*16], &dp, rows, chunks, &plane[q/5*w+q%5], w)
	}
}

//go:noescape
func sigmoidPoolGrad32(s, dy, d *float32, h, w int)

// SigmoidPoolGrad32 writes into d (h×w) the gradient of SigmoidPool32Keep's input from
// that of its output dy ((h/2)×(w/2)) and the sigmoids s it kept: each value's window
// gradient divided by 4 (the average pooling's), times s(1-s) (the sigmoid's), in the
// arithmetic of ops' unpooling and sigmoid gradient, eight values at a time. h must be
// even, w a multiple of 8; it panics as SigmoidPool32 does.
func SigmoidPoolGrad32(s, dy, d []float32, h, w int) {
	if !haveAVX2 {
		panic("kernels: SigmoidPoolGrad32 needs AVX2 and FMA")
	}
	if h < 2 || h%2 != 0 || w < 8 || w%8 != 0 {
		panic(fmt.Sprintf("kernels: SigmoidPoolGrad32 of a %dx%d plane: expected an even height and a width a multiple of 8", h, w))
	}
	_, _, _ = s[h*w-1], d[h*w-1], dy[h*w/4-1]
	sigmoidPoolGrad32(&s[0], &dy[0], &d[0], h, w)
}
