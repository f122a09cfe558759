//go:build !amd64 || purego

package kernels

// HaveConvTile reports whether Conv5x5Tile runs on this CPU: never in this build.
func HaveConvTile() bool { return false }

// ConvTileMatchesGemm reports whether Conv5x5Tile runs here: never in this build.
func ConvTileMatchesGemm() bool { return false }

// Conv5x5Tile is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func Conv5x5Tile(in []float32, inStride int, k, out []float32, outStride int, load bool, bias []float32) {
	panic("kernels: Conv5x5Tile needs AVX2 and FMA")
}

// SigmoidPool32 is written for AVX2 and FMA only (conv_amd64.go); here it panics.
func SigmoidPool32(x, y []float32, h, w int) {
	panic("kernels: SigmoidPool32 needs AVX2 and FMA")
}
