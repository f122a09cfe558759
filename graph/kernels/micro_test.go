package kernels

import "testing"

func BenchmarkMicroSigmoidPool(b *testing.B) {
	x := make([]float32, 24*24)
	y := make([]float32, 12*12)
	for i := range x {
		x[i] = float32(i%17) - 8
	}
	for b.Loop() {
		SigmoidPool32(x, y, 24, 24, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/72, "ns/vector")
}

func BenchmarkMicroSigmoid(b *testing.B) {
	x := make([]float32, 24*24)
	y := make([]float32, 24*24)
	for i := range x {
		x[i] = float32(i%17) - 8
	}
	for b.Loop() {
		Sigmoid32s(x, y)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/72, "ns/vector")
}

func BenchmarkMicroConvTile(b *testing.B) {
	x := make([]float32, 28*28)
	k := make([]float32, 25)
	y := make([]float32, 24*24)
	for b.Loop() {
		Conv5x5Tile(x, 28, k, y, 24, false)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/200, "ns/fma")
}

func BenchmarkMicroConvTile3(b *testing.B) {
	x := make([]float32, 28*28)
	k := make([]float32, 75)
	y := make([]float32, 3*24*24)
	for b.Loop() {
		Conv5x5Tile3(x, 28, k, k[25:], k[50:], y, y[576:], y[1152:], 24, false)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/600, "ns/fma")
}
