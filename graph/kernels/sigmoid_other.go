//go:build !amd64 || purego

package kernels

var haveAVX2 = false

// Sigmoid32s sets y[i] = Sigmoid32(x[i]); y is at least as long as x.
func Sigmoid32s(x, y []float32) {
	for i, v := range x {
		y[i] = Sigmoid32(v)
	}
}
