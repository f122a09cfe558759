//go:build !amd64 || purego

package graph

var haveAVX2 = false

// sigmoidSlice32 sets y[i] = sigmoid32(x[i]); y is at least as long as x.
func sigmoidSlice32(x, y []float32) {
	for i, v := range x {
		y[i] = sigmoid32(v)
	}
}
