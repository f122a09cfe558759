//go:build !amd64 || purego

package kernels

import "gonum.org/v1/gonum/blas/gonum"

// Without the AVX2 kernels (gemm_amd64.go) gonum's BLAS does every product.
func best() BLAS { return gonum.Implementation{} }
