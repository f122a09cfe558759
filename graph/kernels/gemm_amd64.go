//go:build amd64 && !purego

package kernels

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// The float32 matrix products of the convolutions and of gorgonia's fully connected
// layers run on two small AVX2/FMA kernels (gemm_amd64.s) where the CPU has them.
//
// Written by hand because gonum's pure-Go sgemm, the only BLAS that needs no C library,
// is not register-blocked: it streams each row of C through memory once per element of
// A, and was ~64% of a training step. sgemmKernel keeps a 4x16 block of C in eight AVX2
// registers for the whole inner dimension; sgemmDotKernel computes a·bᵀ as dot products
// of rows, eight lanes at a time. The matrices here are small (at most a few hundred a
// side), so neither packs nor blocks for the cache. They replace gonum's Sgemm only:
// avx2BLAS is gonum's implementation with Sgemm overridden, registered with gonum's
// blas32, gorgonia and its tensor package by UseBest. TestSgemmAVX2 compares them with
// gonum's on shapes with every kind of edge.

//go:noescape
func sgemmKernel(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, rows int, mask *int32)

//go:noescape
func sgemmKernel8(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, mask *int32)

//go:noescape
func sgemmDotKernel(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, rows int, cols int)

// best is the fastest BLAS this build has for this CPU: gonum's with the AVX2 Sgemm
// where the CPU has AVX2 and FMA.
func best() BLAS {
	if !haveAVX2 {
		return gonum.Implementation{}
	}
	return avx2BLAS{}
}

// avx2BLAS is gonum's BLAS with a faster Sgemm.
type avx2BLAS struct{ gonum.Implementation }

// Sgemm computes C = alpha·op(A)·op(B) + beta·C; the kernels take alpha 1 and beta 0 or 1
// (all lenet asks for), gonum the rest.
func (avx2BLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if alpha != 1 || (beta != 0 && beta != 1) || m == 0 || n == 0 || k == 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	sgemmAVX2(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, a, lda, b, ldb, c, ldc, beta == 1)
}

// gemmMasks[w] masks the first w of 16 columns.
var gemmMasks = func() (m [17][16]int32) {
	for w := range m {
		for j := 0; j < w; j++ {
			m[w][j] = -1
		}
	}
	return m
}()

// transposeBufs holds scratch for transposed operands.
var transposeBufs = sync.Pool{New: func() any { return new([]float32) }}

// sgemmAVX2 computes C = op(A)·op(B), or adds it to C with acc, for row-major matrices
// with strides lda, ldb, ldc: op(A) is m×k (A stored k×m when ta), op(B) k×n (B stored
// n×k when tb), C m×n.
func sgemmAVX2(ta, tb bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, acc bool) {
	if !acc {
		for i := 0; i < m; i++ {
			clear(c[i*ldc : i*ldc+n])
		}
	}
	if tb && !ta && k%8 == 0 { // A·Bᵀ as dot products of rows: no transposed copy
		for i := 0; i < m; i += 4 {
			for j := 0; j < n; j += 2 {
				sgemmDotKernel(k, &a[i*lda], lda, &b[j*ldb], ldb, &c[i*ldc+j], ldc, min(4, m-i), min(2, n-j))
			}
		}
		return
	}
	if ta || tb {
		p := transposeBufs.Get().(*[]float32)
		defer transposeBufs.Put(p)
		need := 0
		if ta {
			need += m * k
		}
		if tb {
			need += k * n
		}
		if cap(*p) < need {
			*p = make([]float32, need)
		}
		buf := (*p)[:need]
		if ta { // A stored k×m -> m×k
			at := buf[:m*k]
			for l := 0; l < k; l++ {
				for i, v := range a[l*lda : l*lda+m] {
					at[i*k+l] = v
				}
			}
			a, lda, buf = at, k, buf[m*k:]
		}
		if tb { // B stored n×k -> k×n
			bt := buf[:k*n]
			for j := 0; j < n; j++ {
				for l, v := range b[j*ldb : j*ldb+k] {
					bt[l*n+j] = v
				}
			}
			b, ldb = bt, n
		}
	}
	i := 0
	if haveAVX512 { // blocks of 8 rows where the registers are there (sgemmKernel8)
		for ; i+8 <= m; i += 8 {
			for j := 0; j < n; j += 16 {
				sgemmKernel8(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, &gemmMasks[min(16, n-j)][0])
			}
		}
	}
	for ; i < m; i += 4 {
		rows := min(4, m-i)
		for j := 0; j < n; j += 16 {
			sgemmKernel(k, &a[i*lda], lda, &b[j], ldb, &c[i*ldc+j], ldc, rows, &gemmMasks[min(16, n-j)][0])
		}
	}
}
