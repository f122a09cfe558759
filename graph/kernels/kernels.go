// Package kernels holds lenet's hand-written numeric kernels, and the one call that
// chooses the BLAS every matrix product of the program runs on.
//
// gorgonia, its tensor package and gonum's blas32 and blas64 each keep a BLAS of their
// own, gonum's pure-Go one until told otherwise. Use registers one with all four; UseBest
// registers the fastest this build has for the CPU: the AVX2/FMA GEMM of this package
// (gemm_amd64.s) where the CPU has AVX2 and FMA, else gonum's. Package openblas does the
// same for OpenBLAS. Nothing is registered on import: a program calls one of them once,
// at its start, before it builds a graph (the lenet command does; so do the tests).
//
// The float32 sigmoid (Sigmoid32s) needs no choosing: it runs eight values at a time in
// AVX2/FMA assembly where the CPU has them, and in Go elsewhere. Neither do evaluation's
// kernels, the direct convolution tiles (Conv5x5Tile, Conv5x5Tile3) and the sigmoid with
// pooling (SigmoidPool32): AVX-512VL's registers where the CPU has them, AVX2's
// otherwise; HaveConvTile says whether they run at all, ConvTileMatchesGemm whether they
// give the bits of the GEMM in use.
package kernels

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// BLAS is a complete BLAS, as gorgonia and its tensor package take it.
type BLAS interface {
	blas.Float32
	blas.Float64
	blas.Complex64
	blas.Complex128
}

// Use makes b the BLAS of gorgonia, its tensor package and gonum's blas32 and blas64.
func Use(b BLAS) {
	blas32.Use(b)
	blas64.Use(b)
	tensor.Use(b)
	G.Use(b)
}

// UseBest uses the fastest BLAS this build has for this CPU (see the package comment).
func UseBest() { Use(best()) }

// Describe says which code runs the float32 matrix products and the sigmoid, for bug
// reports and for tests whose results depend on the rounding of that code: "AVX2/FMA"
// (this package's assembly), "OpenBLAS" or "pure Go" (gonum).
func Describe() (gemm, sigmoid string) {
	gemm, sigmoid = "pure Go", "pure Go"
	switch t := fmt.Sprintf("%T", blas32.Implementation()); {
	case strings.Contains(t, "avx2BLAS"):
		gemm = "AVX2/FMA"
	case strings.Contains(t, "netlib"):
		gemm = "OpenBLAS"
	}
	if haveAVX2 {
		sigmoid = "AVX2/FMA"
	}
	return gemm, sigmoid
}

// Sigmoid32 is 1/(1+e^-x) in float32 with gorgonia's cut-offs (_sigmoidf32): the
// arithmetic Sigmoid32s does eight values at a time.
func Sigmoid32(x float32) float32 {
	if x < -88 {
		return 0
	}
	if x > 15 {
		return 1
	}
	return 1 / (1 + exp32(-x))
}

// exp32 is e^x for x in [-88, 88], in float32 throughout: x = n·ln2 + r with |r| <= ln2/2,
// e^r from Cephes' expf polynomial (Moshier, relative error about 1e-7) and 2^n put
// straight into the exponent bits. Written by hand because neither the standard library
// nor gonum has a float32 exp; math.Exp through float64 costs four times as much.
func exp32(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
		round = 12582912 // 1.5·2^23: adding and subtracting it rounds to an integer
	)
	n := x*log2e + round
	n -= round
	r := x - n*ln2hi
	r -= n * ln2lo
	p := float32(1.9875691500e-4)
	p = p*r + 1.3981999507e-3
	p = p*r + 8.3334519073e-3
	p = p*r + 4.1665795894e-2
	p = p*r + 1.6666665459e-1
	p = p*r + 5.0000001201e-1
	p = p*r*r + r + 1
	return p * math.Float32frombits(uint32(int32(n)+127)<<23)
}

// Gemm32 computes c = op(a)·op(b), or adds it to c with acc, for dense row-major
// matrices: op(a) is m×k (a stored k×m when ta), op(b) k×n (b stored n×k when tb), c m×n;
// through blas32, on the BLAS Use chose.
func Gemm32(ta, tb bool, m, n, k int, a, b, c []float32, acc bool) {
	A, B := general32(ta, m, k, a), general32(tb, k, n, b)
	beta := float32(0)
	if acc {
		beta = 1
	}
	blas32.Gemm(trans(ta), trans(tb), 1, A, B, beta, blas32.General{Rows: m, Cols: n, Stride: n, Data: c})
}

// Gemm64 is Gemm32 in float64, through blas64.
func Gemm64(ta, tb bool, m, n, k int, a, b, c []float64, acc bool) {
	A, B := general64(ta, m, k, a), general64(tb, k, n, b)
	beta := 0.0
	if acc {
		beta = 1
	}
	blas64.Gemm(trans(ta), trans(tb), 1, A, B, beta, blas64.General{Rows: m, Cols: n, Stride: n, Data: c})
}

// general32 describes the stored matrix whose (possibly transposed) view is r×c.
func general32(t bool, r, c int, d []float32) blas32.General {
	if t {
		r, c = c, r
	}
	return blas32.General{Rows: r, Cols: c, Stride: c, Data: d[:r*c]}
}

func general64(t bool, r, c int, d []float64) blas64.General {
	if t {
		r, c = c, r
	}
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: d[:r*c]}
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
