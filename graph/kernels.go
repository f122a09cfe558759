package graph

import (
	"fmt"
	"strings"

	G "gorgonia.org/gorgonia"
)

// Kernels says which code runs the float32 matrix products and the sigmoid, for bug
// reports and for tests whose results depend on the rounding of that code: "AVX2/FMA"
// (lenet's assembly), "OpenBLAS" (-tags openblas) or "pure Go" (gonum).
func Kernels() (gemm, sigmoid string) {
	useKernels()
	gemm, sigmoid = "pure Go", "pure Go"
	switch t := fmt.Sprintf("%T", G.WhichBLAS()); {
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
