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
