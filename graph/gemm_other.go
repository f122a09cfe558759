//go:build !amd64 || purego

package graph

// Without the AVX2 kernels (gemm_amd64.go) gonum's BLAS does every product.

func useKernels() {}
