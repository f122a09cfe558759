package reader

import (
	"math"
	"testing"
)

// TestRaiseFour: raising a 4's odds against a 9 turns the digits the model is unsure
// between the two into 4s, leaves those it is sure of as they were read and the other
// digits' probabilities as they were, keeps the probabilities summing to 1, and at
// odds 1 changes nothing.
func TestRaiseFour(t *testing.T) {
	unsure := func() []float64 { return []float64{0, 0, 0, 0, 0.4, 0, 0, 0, 0, 0.6} }
	sure := func() []float64 { return []float64{0, 0, 0, 0, 0.01, 0, 0, 0, 0, 0.99} }
	two := func() []float64 { return []float64{0, 0, 0.5, 0, 0.3, 0, 0, 0, 0, 0.2} }
	for _, c := range []struct {
		name   string
		probs  []float64
		odds   float64
		digit  int
		p4, p9 float64
	}{
		{"unsure, odds 1", unsure(), 1, 9, 0.4, 0.6},
		{"unsure, odds 3", unsure(), 3, 4, 1.2 / 1.8, 0.6 / 1.8},
		{"sure, odds 3", sure(), 3, 9, 0.03 / 1.02, 0.99 / 1.02},
		{"a 2 beside, odds 3", two(), 3, 2, 0.5 * 0.9 / 1.1, 0.5 * 0.2 / 1.1},
	} {
		raiseFour(c.probs, c.odds)
		sum := 0.0
		for _, p := range c.probs {
			sum += p
		}
		if d := guess(c.probs); d.Digit != c.digit || (c.digit == 2 && c.probs[2] != 0.5) || math.Abs(c.probs[4]-c.p4) > 1e-12 || math.Abs(c.probs[9]-c.p9) > 1e-12 || math.Abs(sum-1) > 1e-12 {
			t.Errorf("%s: read %d, 4 at %.4f, 9 at %.4f, sum %.6f; want %d, %.4f, %.4f, 1", c.name, d.Digit, c.probs[4], c.probs[9], sum, c.digit, c.p4, c.p9)
		}
	}
}
