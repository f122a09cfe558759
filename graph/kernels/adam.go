package kernels

import "math"

// AdamStep32 is one Adam update's constants in float32 (graph.AdamSolver computes them).
type AdamStep32 struct {
	Beta1, OneMinusBeta1, Beta2, OneMinusBeta2 float32
	Corr1, Corr2                               float32 // 1/(1-β1^t), 1/(1-β2^t)
	NegLR, Eps                                 float32
}

// Adam32 updates the weights w, the moments m and v from the gradient g (left as it is):
//
//	m = β1 m + (1-β1) g;  v = β2 v + (1-β2) g²;  w += (m corr1 (-lr)) / (sqrt(v corr2) + ε)
//
// each product and sum rounded to float32 in that order, as gorgonia's AdamSolver does:
// the explicit conversions keep the compiler from fusing multiply-adds. On CPUs with AVX2
// an assembly loop does eight elements at a time with the same operations (a float32
// square root is correctly rounded either way), so the results are the same bits;
// TestAdam32 holds it to adam32Scalar. The update is ~5% of a training step's work.
func Adam32(w, g, m, v []float32, h AdamStep32) {
	n := adam32Vector(w, g, m, v, &h)
	adam32Scalar(w[n:], g[n:len(w)], m[n:len(w)], v[n:len(w)], h)
}

// adam32Scalar is Adam32 one element at a time.
func adam32Scalar(w, g, m, v []float32, h AdamStep32) {
	for i, gi := range g {
		m[i] = float32(m[i]*h.Beta1) + float32(gi*h.OneMinusBeta1)
		v[i] = float32(v[i]*h.Beta2) + float32(float32(gi*gi)*h.OneMinusBeta2)
		vh := float32(math.Sqrt(float64(float32(v[i]*h.Corr2)))) + h.Eps
		w[i] += float32(float32(m[i]*h.Corr1)*h.NegLR) / vh
	}
}
