//go:build amd64 && !purego

package kernels

import (
	"fmt"

	"golang.org/x/sys/cpu"

	"gonum.org/v1/gonum/blas/blas32"
)

// Evaluation's convolutions run without im2col on CPUs with AVX2 and FMA: conv5x5Tile
// (conv_amd64.s) keeps an 8x8 tile of the output in eight registers and reads the input
// straight from its plane, 8 multiply-adds per broadcast weight; conv5x5Tile3 (AVX-512VL)
// and conv5x5Tile34 (AVX2, four rows at a time) do three kernels' tiles, each input row
// loaded once for the three. Written by hand because
// im2col and the GEMM were 63% of evaluation's time, and no library has a direct 5x5
// float32 convolution with this order of summation: each output adds its 25 products
// in the kernel's order, one fused multiply-add at a time from zero, as sgemmKernel does
// for im2col's columns, so a tile equals the GEMM's output bit for bit
// (TestConv5x5TileMatchesGemm).

//go:noescape
func conv5x5Tile(in *float32, inStride int, k *float32, out *float32, outStride int, load int)

//go:noescape
func sigmoidPool32AVX2(x, y *float32, h, w int, bias float32)

//go:noescape
func conv5x5Tile3(in *float32, inStride int, k0, k1, k2, out0, out1, out2 *float32, outStride int, load int)

//go:noescape
func conv5x5Tile34(in *float32, inStride int, k0, k1, k2, out0, out1, out2 *float32, outStride int, load int)

//go:noescape
func sigmoid32AVX512(x, y *float32, n int, bias float32)

//go:noescape
func pool32AVX2(x, y *float32, h, w int)

// haveAVX512 is whether AVX-512VL's 32 registers are there, for conv5x5Tile3,
// sgemmKernel8 and sigmoid32AVX512.
var haveAVX512 = haveAVX2 && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VL

// HaveConvTile reports whether Conv5x5Tile runs on this CPU.
func HaveConvTile() bool { return haveAVX2 }

// ConvTileMatchesGemm reports whether Conv5x5Tile runs here and gives the bits the
// convolution's im2col GEMM gives: the float32 BLAS in use is this package's AVX2 one.
func ConvTileMatchesGemm() bool {
	_, ours := blas32.Implementation().(avx2BLAS)
	return haveAVX2 && ours
}

// DescribeConv says how the sigmoid model's convolutions are computed, for bug reports
// (training and evaluation alike): directly, with AVX-512VL's registers ("direct,
// AVX-512VL") or AVX2's ("direct, AVX2/FMA"), where ConvTileMatchesGemm holds; else by
// im2col and the GEMM ("im2col and GEMM"). AVX-512VL also gives the GEMM its blocks of eight rows.
func DescribeConv() string {
	switch {
	case !ConvTileMatchesGemm():
		return "im2col and GEMM"
	case haveAVX512:
		return "direct, AVX-512VL"
	}
	return "direct, AVX2/FMA"
}

// Conv5x5Tile computes one 8x8 tile of a valid 5x5 convolution of one input plane with
// one kernel (25 weights, row-major): out[y*outStride+x] = acc + Σ_{i,j}
// k[i*5+j]·in[(y+i)*inStride+x+j] for y, x in 0..7, each output's 25 products added in
// k's order by fused multiply-adds, acc being 0, or out's value when load is set (to
// add another input plane's products). It panics, as an index out of range does, when a
// slice is too short, and when the CPU lacks AVX2 and FMA (see HaveConvTile).
func Conv5x5Tile(in []float32, inStride int, k, out []float32, outStride int, load bool) {
	checkTile(in, inStride, k, out, outStride)
	conv5x5Tile(&in[0], inStride, &k[0], &out[0], outStride, flag(load))
}

// Conv5x5Tile3 is Conv5x5Tile for three kernels on one input plane, into three tiles,
// with the same results, each input row loaded once for the three: all eight rows at
// once with AVX-512VL's registers, four at a time in AVX2's.
func Conv5x5Tile3(in []float32, inStride int, k0, k1, k2, out0, out1, out2 []float32, outStride int, load bool) {
	checkTile(in, inStride, k0, out0, outStride)
	checkTile(in, inStride, k1, out1, outStride)
	checkTile(in, inStride, k2, out2, outStride)
	if !haveAVX512 { // the upper four rows, then the lower four
		conv5x5Tile34(&in[0], inStride, &k0[0], &k1[0], &k2[0], &out0[0], &out1[0], &out2[0], outStride, flag(load))
		i, o := 4*inStride, 4*outStride
		conv5x5Tile34(&in[i], inStride, &k0[0], &k1[0], &k2[0], &out0[o], &out1[o], &out2[o], outStride, flag(load))
		return
	}
	conv5x5Tile3(&in[0], inStride, &k0[0], &k1[0], &k2[0], &out0[0], &out1[0], &out2[0], outStride, flag(load))
}

func checkTile(in []float32, inStride int, k, out []float32, outStride int) {
	if !haveAVX2 {
		panic("kernels: Conv5x5Tile needs AVX2 and FMA")
	}
	_ = in[11*inStride+11]
	_ = k[24]
	_ = out[7*outStride+7]
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SigmoidPool32Keep is SigmoidPool32 keeping the sigmoids, for training's backward
// pass: s gets Sigmoid32s's values of x[i]+bias, y their 2x2 means as ops.AvgPool2
// computes them; x is not written. It panics as SigmoidPool32 does.
func SigmoidPool32Keep(x, s, y []float32, h, w int, bias float32) {
	if !haveAVX2 {
		panic("kernels: SigmoidPool32Keep needs AVX2 and FMA")
	}
	if h < 2 || h%2 != 0 || w < 8 || w%8 != 0 {
		panic(fmt.Sprintf("kernels: SigmoidPool32Keep of a %dx%d plane: expected an even height and a width a multiple of 8", h, w))
	}
	n := h * w
	x, s, y = x[:n], s[:n], y[:n/4]
	if haveAVX512 && n%32 == 0 {
		sigmoid32AVX512(&x[0], &s[0], n, bias)
	} else {
		for i, v := range x {
			s[i] = v + bias
		}
		sigmoid32AVX2(&s[0], &s[0], n)
	}
	pool32AVX2(&s[0], &y[0], h, w)
}

// SigmoidPool32 writes into y ((h/2)×(w/2)) the 2x2 means of the sigmoids of the h×w
// plane x plus bias: Sigmoid32s's values of x[i]+bias, pooled as ops.AvgPool2 pools them
// (((a+b)+c)+d over a window's upper then lower row, divided by 4), in one pass eight
// columns at a time (with AVX-512, the sigmoids first, 32 at a time, into x, then the
// means: x is scratch). h must be even, w a multiple of 8; it panics as Conv5x5Tile does.
func SigmoidPool32(x, y []float32, h, w int, bias float32) {
	if !haveAVX2 {
		panic("kernels: SigmoidPool32 needs AVX2 and FMA")
	}
	if h < 2 || h%2 != 0 || w < 8 || w%8 != 0 {
		panic(fmt.Sprintf("kernels: SigmoidPool32 of a %dx%d plane: expected an even height and a width a multiple of 8", h, w))
	}
	_ = x[h*w-1]
	_ = y[h*w/4-1]
	if haveAVX512 && h*w%32 == 0 { // two passes, the sigmoids 32 at a time, in place
		sigmoid32AVX512(&x[0], &x[0], h*w, bias)
		pool32AVX2(&x[0], &y[0], h, w)
		return
	}
	sigmoidPool32AVX2(&x[0], &y[0], h, w, bias)
}
