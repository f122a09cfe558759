//go:build !openblas

package graph

// BLAS names the BLAS the matrix products run on.
const BLAS = "gonum"
