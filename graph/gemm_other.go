//go:build !amd64 || purego

package graph

func useOwnGemm() bool { return false }

var forceGonum bool

func sgemmAVX2(ta, tb bool, m, n, k int, a, b, c []float32, acc bool) {
	panic("sgemmAVX2 without AVX2")
}
