//go:build !amd64 || purego

package kernels

// HaveConvTile reports whether Conv5x5Tile runs on this CPU: never in this build.
func HaveConvTile() bool { return false }

// ConvTileMatchesGemm reports whether Conv5x5Tile runs here: never in this build.
func ConvTileMatchesGemm() bool { return false }

// DescribeConv says how the convolutions are computed: by im2col and the GEMM.
func DescribeConv() string { return "im2col and GEMM" }

// Conv5x5Tile is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func Conv5x5Tile(in []float32, inStride int, k, out []float32, outStride int, load bool) {
	panic("kernels: Conv5x5Tile needs AVX2 and FMA")
}

// Conv5x5Tile3 is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func Conv5x5Tile3(in []float32, inStride int, k0, k1, k2, out0, out1, out2 []float32, outStride int, load bool) {
	panic("kernels: Conv5x5Tile3 needs AVX2 and FMA")
}

// SigmoidPool32 is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func SigmoidPool32(x, y []float32, h, w int, bias float32) {
	panic("kernels: SigmoidPool32 needs AVX2 and FMA")
}

// ConvGradMap is written for AVX2 and FMA only (convgrad_amd64.go); here it panics.
func ConvGradMap(k int, a *[4][]float32, rows int, plane []float32, w, seg int, c *[4][]float32) {
	panic("kernels: ConvGradMap needs AVX2 and FMA")
}

// SigmoidPool32Keep is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func SigmoidPool32Keep(x, s, y []float32, h, w int, bias float32) {
	panic("kernels: SigmoidPool32Keep needs AVX2 and FMA")
}

// ConvInputGradMap is written for AVX2 and FMA only (convgrad_amd64.go); here it panics.
func ConvInputGradMap(n int, k, d *[16][]float32, rows, chunks int, plane []float32, w int) {
	panic("kernels: ConvInputGradMap needs AVX2 and FMA")
}

// SigmoidPoolGrad32 is written for AVX2 and FMA only (convgrad_amd64.go); here it panics.
func SigmoidPoolGrad32(s, dy, d []float32, h, w int) {
	panic("kernels: SigmoidPoolGrad32 needs AVX2 and FMA")
}
