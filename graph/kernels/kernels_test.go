package kernels

import (
	"math"
	"slices"
	"testing"
)

// TestExp32 sweeps exp32 over the range Sigmoid32 uses it in, [-15, 88], against
// math.Exp: within 2 ulp (relative 2.4e-7) everywhere.
func TestExp32(t *testing.T) {
	worst := 0.0
	for x := float32(-15); x <= 88; x = math.Nextafter32(x, 100) + 1e-5 {
		want := math.Exp(float64(x))
		got := float64(exp32(x))
		if rel := math.Abs(got-want) / want; rel > worst {
			worst = rel
			if rel > 2.4e-7 {
				t.Fatalf("exp32(%g) = %g, want %g (relative error %.3g)", x, got, want, rel)
			}
		}
	}
}

// TestSigmoid32s compares Sigmoid32s (AVX2 assembly where the CPU has it) with
// Sigmoid32 on a sweep over [-100, 100], the cut-offs, infinities and NaN, in slices
// whose lengths are not multiples of 8: within 4e-7 relative (fused multiply-adds round
// differently), NaN for NaN.
func TestSigmoid32s(t *testing.T) {
	var x []float32
	for v := float32(-100); v <= 100; v += 0.0137 {
		x = append(x, v)
	}
	edges := []float32{-88, -88.0001, -87.9999, 15, 15.0001, 14.9999, 0, float32(math.Copysign(0, -1)),
		1e-30, -1e-30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
	x = append(x, edges...)
	x = append(x, 3) // 14,614 + 14 values: the tail is not a multiple of 8
	y := make([]float32, len(x))
	Sigmoid32s(x, y)
	for i, v := range x {
		want := Sigmoid32(v)
		if math.IsNaN(float64(v)) {
			if !math.IsNaN(float64(y[i])) {
				t.Fatalf("sigmoid(NaN) = %g, want NaN", y[i])
			}
			continue
		}
		if d := math.Abs(float64(y[i] - want)); d > 4e-7*math.Abs(float64(want))+1e-38 {
			t.Fatalf("Sigmoid32s(%g) = %.9g, Sigmoid32 %.9g (AVX2 %v)", v, y[i], want, haveAVX2)
		}
	}
	t.Logf("AVX2 path: %v", haveAVX2)
}

// TestSigmoid32sAnywhere: each value gets the same bits alone, at any place in a slice
// of any length and in place, so that a batch's size changes no image's probabilities.
func TestSigmoid32sAnywhere(t *testing.T) {
	var x []float32
	for v := float32(-20); v <= 20; v += 0.0731 {
		x = append(x, v)
	}
	alone := make([]float32, len(x))
	for i := range x {
		Sigmoid32s(x[i:i+1], alone[i:i+1])
	}
	for _, n := range []int{1, 3, 7, 8, 9, 84, 85, len(x)} {
		for start := 0; start+n <= len(x); start += 37 {
			y := slices.Clone(x[start : start+n])
			Sigmoid32s(y, y)
			for i, v := range y {
				if math.Float32bits(v) != math.Float32bits(alone[start+i]) {
					t.Fatalf("Sigmoid32s(%g) at %d of %d: %.9g, alone %.9g (AVX2 %v)", x[start+i], i, n, v, alone[start+i], haveAVX2)
				}
			}
		}
	}
}
