//go:build amd64 && !purego

package kernels

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

// ConvInputGrad adds to dx, rows rows of chunks*8 values stride apart, the sums over
// m < n of w[m] times d[m] (rows*chunks*8 values, row after row): one weight q of a
// 5x5 kernel's share of a convolution's input gradient, dx being the input plane from
// row q/5, column q%5 on, d the gradients of the n output maps that read it and w their
// kernels' weight q. Each sum is what the GEMM of the kernels and the output gradients
// gives a row of im2col's columns (fused multiply-adds from zero, in the order of d),
// added as col2im adds it, so that calling it for q = 0 to 24 in order computes
// im2col's input gradient to the bit without the columns, and without the kernels a
// connection table leaves out (their zero terms change no bit). It needs AVX2 and FMA,
// 1 <= n <= 16, and panics, as an index out of range does, on slices too short.
func ConvInputGrad(n int, w []float32, d *[16][]float32, rows, chunks int, dx []float32, stride int) {
	if !haveAVX2 {
		panic("kernels: ConvInputGrad needs AVX2 and FMA")
	}
	if n < 1 || n > 16 || rows < 1 || chunks < 1 || stride < 8*chunks {
		panic("kernels: ConvInputGrad: bad n, rows, chunks or stride")
	}
	_, _ = w[n-1], dx[(rows-1)*stride+8*chunks-1]
	var dp [16]*float32
	for m := range n {
		_ = d[m][rows*chunks*8-1]
		dp[m] = &d[m][0]
	}
	convInputGrad(n, &w[0], &dp, rows, chunks, &dx[0], stride)
}
