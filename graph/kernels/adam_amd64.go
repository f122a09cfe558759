//go:build amd64 && !purego

package kernels

//go:noescape
func adam32AVX2(w, grad, m, v *float32, n int, h *AdamStep32)

// adam32Vector updates the first multiple of 8 elements and returns how many it did.
func adam32Vector(w, g, m, v []float32, h *AdamStep32) int {
	n := len(w) &^ 7
	if !haveAVX2 || n == 0 {
		return 0
	}
	g, m, v = g[:n], m[:n], v[:n]
	adam32AVX2(&w[0], &g[0], &m[0], &v[0], n, h)
	return n
}
