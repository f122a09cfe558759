//go:build amd64 && !purego

package graph

import (
	"sync"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// sgemmKernel: see gemm_amd64.s.
//
//go:noescape
func sgemmKernel(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, rows int, mask *int32)

// Written by hand because gonum's pure-Go sgemm, the only BLAS that needs no C library,
// is not register-blocked: it streams each row of C through memory once per element of
// A, and was ~64% of a training step. This kernel keeps a 4x16 block of C in eight AVX2
// registers for the whole inner dimension, with fused multiply-adds; the matrices here
// are small (at most a few hundred a side), so no packing or cache blocking is needed.
// -tags openblas still uses OpenBLAS. TestSgemmAVX2 compares it with gonum's on shapes
// with every kind of edge.

// gemmMasks[w] masks the first w of 16 columns.
var gemmMasks = func() (m [17][16]int32) {
	for w := range m {
		for j := 0; j < w; j++ {
			m[w][j] = -1
		}
	}
	return m
}()

// transposeBufs holds scratch for the transposed operands.
var transposeBufs = sync.Pool{New: func() any { return new([]float32) }}

// sgemmAVX2 computes c = a·b (transposing a or b as told) for contiguous row-major
// matrices, adding to c when acc is set: a is m×k (or k×m), b is k×n (or n×k), c is m×n.
func sgemmAVX2(ta, tb bool, m, n, k int, a, b, c []float32, acc bool) {
	c = c[:m*n]
	if !acc {
		clear(c)
	}
	if m == 0 || n == 0 || k == 0 {
		return
	}
	var bufs []*[]float32
	defer func() {
		for _, p := range bufs {
			transposeBufs.Put(p)
		}
	}()
	transposed := func(src []float32, rows, cols int) []float32 { // src rows×cols -> cols×rows
		p := transposeBufs.Get().(*[]float32)
		bufs = append(bufs, p)
		if cap(*p) < rows*cols {
			*p = make([]float32, rows*cols)
		}
		dst := (*p)[:rows*cols]
		for i := 0; i < rows; i++ {
			for j, v := range src[i*cols : (i+1)*cols] {
				dst[j*rows+i] = v
			}
		}
		return dst
	}
	if ta {
		a = transposed(a[:k*m], k, m)
	}
	if tb {
		b = transposed(b[:n*k], n, k)
	}
	a, b = a[:m*k], b[:k*n]
	for i := 0; i < m; i += 4 {
		rows := min(4, m-i)
		for j := 0; j < n; j += 16 {
			sgemmKernel(k, &a[i*k], k, &b[j], n, &c[i*n+j], n, rows, &gemmMasks[min(16, n-j)][0])
		}
	}
}

// useOwnGemm routes the convolutions' float32 products to sgemmAVX2 while blas32 is
// gonum's own implementation; with OpenBLAS registered (-tags openblas) OpenBLAS is
// faster still and takes them. Tests set forceGonum to compare with gonum.
func useOwnGemm() bool {
	_, isGonum := blas32.Implementation().(gonum.Implementation)
	return isGonum && !forceGonum
}

var forceGonum bool
