package report

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/lenet/lenet/dataset"
)

// sample draws n answers whose confidence is uniform in [0.1, 1] and whose guess (class
// 0) is right with probability conf^power: power 1 is calibrated, above 1 overconfident.
func sample(n int, power float64) ([]float64, []byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	probs := make([]float64, n*dataset.Digits)
	labels := make([]byte, n)
	for i := range n {
		conf := 0.1 + 0.9*rng.Float64()
		row := probs[i*dataset.Digits : (i+1)*dataset.Digits]
		row[0] = conf
		for c := 1; c < dataset.Digits; c++ {
			row[c] = (1 - conf) / 9
		}
		if rng.Float64() >= math.Pow(conf, power) {
			labels[i] = byte(1 + rng.IntN(9))
		}
	}
	return probs, labels
}

func TestCalibrationError(t *testing.T) {
	probs, labels := sample(200000, 1)
	if c := Calibrate(probs, labels); c.ECE > 0.005 {
		t.Errorf("calibrated answers: expected calibration error %.4f (expected under 0.005)", c.ECE)
	}
	probs, labels = sample(200000, 3)
	c := Calibrate(probs, labels)
	// Right with p^3 when saying p: E|p - p^3| over p uniform on [0.1, 1] is 0.2722.
	if math.Abs(c.ECE-0.2722) > 0.01 {
		t.Errorf("overconfident answers: expected calibration error %.4f (expected 0.2722)", c.ECE)
	}
}

func TestNLL(t *testing.T) {
	probs := make([]float64, 3*dataset.Digits)
	for i := range probs {
		probs[i] = 0.1
	}
	if got := NLL(probs, []byte{0, 4, 9}, 1); math.Abs(got-math.Log(10)) > 1e-12 {
		t.Errorf("uniform answers: NLL %v (expected log 10)", got)
	}
	probs[0] = 0.91 // the first row: 0.91 on its label, 0.01 on each other class
	for c := 1; c < dataset.Digits; c++ {
		probs[c] = 0.01
	}
	want := (-math.Log(0.91) + 2*math.Log(10)) / 3
	if got := NLL(probs, []byte{0, 4, 9}, 1); math.Abs(got-want) > 1e-12 {
		t.Errorf("NLL %v (expected %v)", got, want)
	}
	// Temperature 2 on the first row: sqrt of each probability, renormalised.
	row := probs[:dataset.Digits]
	var z float64
	for _, v := range row {
		z += math.Sqrt(v)
	}
	want = (-math.Log(math.Sqrt(0.91)/z) + 2*math.Log(10)) / 3
	if got := NLL(probs, []byte{0, 4, 9}, 2); math.Abs(got-want) > 1e-12 {
		t.Errorf("NLL at temperature 2: %v (expected %v)", got, want)
	}
}

func TestFitTemperature(t *testing.T) {
	probs, labels := sample(50000, 3)
	tt := FitTemperature(probs, labels)
	if tt <= 1.1 {
		t.Errorf("overconfident answers: temperature %.3f (expected above 1)", tt)
	}
	for _, other := range []float64{1, tt * 0.9, tt * 1.1} {
		if NLL(probs, labels, other) < NLL(probs, labels, tt) {
			t.Errorf("temperature %.3f: NLL %.5f is lower than the fitted %.3f's %.5f", other, NLL(probs, labels, other), tt, NLL(probs, labels, tt))
		}
	}
	probs, labels = sample(50000, 1)
	if tt := FitTemperature(probs, labels); math.Abs(tt-1) > 0.1 {
		t.Errorf("calibrated answers: temperature %.3f (expected about 1)", tt)
	}
}

func TestCoverage(t *testing.T) {
	// 100 answers: confidence falls with the index, and the 5 least confident are wrong.
	probs := make([]float64, 100*dataset.Digits)
	labels := make([]byte, 100)
	for i := range 100 {
		probs[i*dataset.Digits] = 1 - float64(i)/200
		probs[i*dataset.Digits+1] = float64(i) / 200
		if i >= 95 {
			labels[i] = 1
		}
	}
	c := Calibrate(probs, labels)
	want := []Covered{{0.90, 90, 1 - 89.0/200, 1}, {0.95, 95, 1 - 94.0/200, 1}, {0.99, 99, 1 - 98.0/200, 95.0 / 99}}
	if len(c.Coverage) != len(want) {
		t.Fatalf("coverage %+v", c.Coverage)
	}
	for i, w := range want {
		g := c.Coverage[i]
		if g.Share != w.Share || g.Count != w.Count || math.Abs(g.Threshold-w.Threshold) > 1e-12 || math.Abs(g.Accuracy-w.Accuracy) > 1e-12 {
			t.Errorf("coverage %d: %+v (expected %+v)", i, g, w)
		}
	}
}
